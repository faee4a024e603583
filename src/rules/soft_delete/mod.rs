pub mod soft_delete_hard_cascade;
pub mod soft_delete_inconsistent;
pub mod soft_delete_unique;
