pub mod fk_missing_index;
pub mod fk_nullable_match_simple;
pub mod fk_type_mismatch;
pub mod missing_fk;
