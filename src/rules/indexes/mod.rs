pub mod duplicate_index;
pub mod redundant_index;
