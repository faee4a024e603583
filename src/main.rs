fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let loaded = dblint::source::sql::load(&paths).unwrap();
    for d in &loaded.diagnostics { println!("{d}"); }
    println!("{:?}", loaded.stats);
    println!("tables {}", loaded.database.tables.len());
}
