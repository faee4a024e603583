pub mod cascade_chain;
pub mod cascade_into_audit;
pub mod cascade_on_actor;
pub mod cascade_set_null_not_null;
pub mod cascade_unindexed;
