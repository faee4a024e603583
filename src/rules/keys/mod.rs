pub mod sequence_exhaustion;
pub mod table_without_pk;
