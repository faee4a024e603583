pub mod duplicate_index;
pub mod invalid_index;
pub mod redundant_index;
pub mod unused_index;
