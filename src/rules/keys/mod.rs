pub mod table_without_pk;
