//! `--format html`: the page is self-contained, its identifiers are text, its
//! numbers are the JSON report's, the vendored layout engine is the pinned release,
//! and `inspect` draws a live schema. What only a browser can show (layout, no
//! requests, no console errors, interaction) is tested in real Chromium by
//! `scripts/browser-test.sh`.

mod common;

use common::{dblint, root};

fn island(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/json\" id=\"dblint-data\">")
        .expect("the data island");
    let body = &html[start..];
    let open = body.find('>').unwrap() + 1;
    let close = body.find("</script>").unwrap();
    serde_json::from_str(&body[open..close]).expect("the island is JSON")
}

/// The island's table names, in its order.
fn table_names(data: &serde_json::Value) -> Vec<&str> {
    data["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

/// The text of the element with `id`, up to its first `<`.
fn text_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest[open..].find('<').unwrap();
    &rest[open..open + close]
}

fn lint_html(path: &str) -> String {
    let run = dblint(&[
        "lint",
        path,
        "--all",
        "--format",
        "html",
        "--fail-on",
        "none",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

/// The page for one SQL file with `sql` in it.
fn lint_sql_html(sql: &str) -> String {
    let dir = common::temp_tree(&[("schema.sql", sql)]);
    lint_html(dir.path().join("schema.sql").to_str().unwrap())
}

#[test]
fn vendored_elkjs_is_the_pinned_release() {
    let dir = root().join("vendor/elkjs");
    let out = std::process::Command::new("sha256sum")
        .args(["--check", "--strict", "SHA256SUMS"])
        .current_dir(&dir)
        .output()
        .expect("run sha256sum");
    assert!(
        out.status.success(),
        "vendor/elkjs differs from SHA256SUMS (update both together, see vendor/elkjs/README.md):\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    for file in ["elk-api.js", "elk-worker.min.js", "LICENSE.md"] {
        assert!(sums.contains(file), "SHA256SUMS does not cover {file}");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains(&format!("elkjs {}", dblint::report::html::ELK_VERSION)));
}

#[test]
fn the_page_loads_nothing_from_anywhere() {
    let html = lint_html("sample-dbs/prodmatic/schema.sql");
    let head = &html[..html.find("</head>").expect("a head")];
    assert!(
        head.contains(&format!(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
            dblint::report::html::CONTENT_SECURITY_POLICY
        )),
        "the CSP is in the head"
    );
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script src",
        " src=\"http",
        " href=\"http",
        "<link",
        "@import",
        "url(http",
        "<iframe",
    ] {
        assert!(!lower.contains(needle), "the page holds {needle}");
    }
    assert_eq!(
        lower.matches("<script").count(),
        4,
        "island, worker, elk-api, page script"
    );
    assert!(html.contains("Eclipse Public License 2.0"));
    assert!(html.contains(&format!("elkjs {}", dblint::report::html::ELK_VERSION)));
}

#[test]
fn identifiers_are_text_never_markup() {
    let html = lint_html("tests/fixtures/html/injection.sql");
    let lower = html.to_ascii_lowercase();
    // Outside the island (JSON, where a quote inside a string is inert), not even a
    // quote of a name is left raw.
    let island_at = lower.find("id=\"dblint-data\"").unwrap();
    let markup = &lower[..island_at];
    for needle in ["<img", "<svg", "<b>", "<script>alert"] {
        assert!(!lower.contains(needle), "the page holds {needle}");
    }
    assert!(
        !markup.contains("onclick='"),
        "a name's quote closes an attribute"
    );
    assert_eq!(
        lower.matches("</script").count(),
        4,
        "only the page's own scripts close"
    );
    assert!(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
    let data = island(&html);
    let names = table_names(&data);
    assert!(
        names.contains(&"public.</script><img src=x onerror=alert(1)>"),
        "{names:?}"
    );
    assert!(names.contains(&"public.line\u{2028}break"), "{names:?}");
    let parent = data["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "public.</script><img src=x onerror=alert(1)>")
        .unwrap();
    let columns: Vec<&str> = parent["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        ["id", "\"><svg onload=alert(2)>", "<!--", "deleted_at"]
    );
    assert_eq!(parent["soft_delete"], "deleted_at");
    assert_eq!(data["edges"].as_array().unwrap().len(), 2);
}

#[test]
fn the_numbers_are_the_json_reports() {
    for sample in [
        "sample-dbs/prodmatic/schema.sql",
        "sample-dbs/kin2/schema.sql",
        "sample-dbs/helpdesk",
    ] {
        let html = lint_html(sample);
        let run = dblint(&[
            "lint",
            sample,
            "--all",
            "--format",
            "json",
            "--fail-on",
            "none",
        ]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(text_of(&html, "grade"), json["score"]["grade"], "{sample}");
        assert_eq!(
            text_of(&html, "overall"),
            json["score"]["overall"].to_string(),
            "{sample}"
        );
        for severity in ["error", "warning", "info"] {
            assert_eq!(
                text_of(&html, &format!("count-{severity}")),
                json["summary"]["findings"][severity].to_string(),
                "{sample} {severity}"
            );
        }
        assert_eq!(
            text_of(&html, "count-tables"),
            json["summary"]["tables"].to_string()
        );
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(html.matches("<li class=\"finding ").count(), findings.len());
        for f in findings {
            let fingerprint = f["fingerprint"].as_str().unwrap();
            assert!(
                html.contains(&format!(
                    "data-fingerprint=\"{}\"",
                    dblint::report::html::escape(fingerprint)
                )),
                "{sample}: {fingerprint} is not on the page"
            );
        }
        // Every table with findings is in the default view when they fit under the cap.
        let data = island(&html);
        let focus: Vec<usize> = data["focus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let tables = data["tables"].as_array().unwrap();
        for (i, t) in tables.iter().enumerate() {
            if !t["findings"].as_array().unwrap().is_empty() && t["partition_of"].is_null() {
                assert!(focus.contains(&i), "{sample}: {} is not drawn", t["name"]);
            }
        }
    }
}

#[test]
fn the_default_view_is_capped_at_tables_with_findings_and_their_neighbours() {
    // 400 tables in a chain; every tenth lacks a primary key (a finding).
    let mut sql = String::new();
    for i in 0..400 {
        let key = if i % 10 == 0 { "" } else { " PRIMARY KEY" };
        sql.push_str(&format!(
            "CREATE TABLE t{i:03} (id bigint{key}, n bigint);\n"
        ));
    }
    let data = island(&lint_sql_html(&sql));
    let cap = data["cap"].as_u64().unwrap() as usize;
    let focus = data["focus"].as_array().unwrap();
    assert_eq!(cap, dblint::report::html::CAP);
    assert!(focus.len() <= cap);
    let tables = data["tables"].as_array().unwrap();
    let flagged = tables
        .iter()
        .filter(|t| t["error"].as_u64().unwrap() + t["warning"].as_u64().unwrap() > 0)
        .count();
    assert!(flagged > 0);
    let drawn_flagged = focus
        .iter()
        .filter(|i| {
            let t = &tables[i.as_u64().unwrap() as usize];
            t["error"].as_u64().unwrap() + t["warning"].as_u64().unwrap() > 0
        })
        .count();
    assert_eq!(drawn_flagged, flagged.min(cap), "worst tables first");
}

#[test]
fn the_page_goes_to_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let run = dblint(&[
        "lint",
        "sample-dbs/prodmatic/schema.sql",
        "--all",
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
        "--fail-on",
        "none",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.ends_with("</html>\n"));
    assert!(
        run.stdout.contains("Schema Quality Score"),
        "the terminal summary still prints"
    );
}

#[test]
fn inspect_draws_the_live_schema() {
    let db = common::pg::fresh_db("html");
    common::pg::load(&db, &[root().join("tests/fixtures/html/injection.sql")]);
    let url = common::pg::url_for(&db, "");
    let run = dblint(&["inspect", &url, "--format", "html", "--fail-on", "none"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains(common::pg::PASSWORD),
        "the password is not on the page"
    );
    let data = island(&run.stdout);
    let names = table_names(&data);
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"public.child' onclick='alert(3)"));
    let edges = data["edges"].as_array().unwrap();
    let actions: Vec<&str> = edges
        .iter()
        .map(|e| e["on_delete"].as_str().unwrap())
        .collect();
    assert_eq!(actions.len(), 2);
    assert!(
        actions.contains(&"cascade") && actions.contains(&"set-null"),
        "{actions:?}"
    );
}

#[test]
fn partitions_foreign_keys_are_drawn_from_their_partitioned_table() {
    let html = lint_html("tests/fixtures/html/partitions.sql");
    let data = island(&html);
    let tables = data["tables"].as_array().unwrap();
    let name = |i: &serde_json::Value| tables[i.as_u64().unwrap() as usize]["name"].clone();
    let edges = data["edges"].as_array().unwrap();
    let payment: Vec<&serde_json::Value> = edges
        .iter()
        .filter(|e| name(&e["from"]) == "public.payment")
        .collect();
    assert_eq!(
        payment.len(),
        1,
        "one edge for the two partitions' keys: {edges:?}"
    );
    assert_eq!(name(&payment[0]["to"]), "public.customer");
    assert_eq!(payment[0]["count"], 2);
    assert_eq!(
        payment[0]["unindexed"], true,
        "fk-missing-index reports the partitions' keys"
    );
    assert!(
        !edges.iter().any(|e| name(&e["from"])
            .as_str()
            .unwrap()
            .starts_with("public.payment_")),
        "partitions are not drawn"
    );
    let parent = tables
        .iter()
        .find(|t| t["name"] == "public.payment")
        .unwrap();
    let customer_id = parent["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "customer_id")
        .unwrap();
    assert_eq!(customer_id["fk"], true);
    assert_eq!(customer_id["unindexed"], true);
    assert!(
        parent["in_partitions"].as_u64().unwrap() > 0,
        "its partitions' findings"
    );
    // A partly indexed composite key marks its edge, not its columns.
    let group = edges
        .iter()
        .find(|e| e["name"] == "nodes_group_fkey")
        .unwrap();
    assert_eq!(
        (group["unindexed"].clone(), group["partly"].clone()),
        (true.into(), true.into())
    );
    let owner = edges
        .iter()
        .find(|e| e["name"] == "nodes_owner_id_fkey")
        .unwrap();
    assert_eq!(owner["unindexed"], false);
    let nodes = tables.iter().find(|t| t["name"] == "public.nodes").unwrap();
    for c in nodes["columns"].as_array().unwrap() {
        assert_eq!(c["unindexed"], false, "{c}");
    }
}

#[test]
fn soft_delete_tables_follow_the_configured_columns() {
    // helpdesk's dblint.toml: [options.soft-delete] active_columns = ["is_active"].
    let html = lint_html("sample-dbs/helpdesk");
    let data = island(&html);
    let marked: Vec<&str> = data["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["soft_delete"] == "is_active")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(marked.contains(&"public.accounts_user"), "{marked:?}");
}

#[test]
fn migration_review_findings_are_counted_apart() {
    let dir = common::temp_tree(&[
        (
            "migrations/001_init.sql",
            "CREATE TABLE t (id bigint PRIMARY KEY, n int);\n",
        ),
        (
            "migrations/002_index.sql",
            "CREATE INDEX t_n_idx ON t (n);\n",
        ),
    ]);
    let path = dir.path().join("migrations");
    let html = lint_html(path.to_str().unwrap());
    assert!(
        html.contains("Of these, 2 findings from migration review (1 error, 1 warning"),
        "{}",
        &html[html.find("id=\"count-tables\"").unwrap()..][..600]
    );
    let data = island(&html);
    let t = &data["tables"][0];
    assert_eq!(t["outside"], 2, "{t}");
    assert_eq!(
        (t["error"].clone(), t["warning"].clone()),
        (0.into(), 0.into()),
        "{t}"
    );
}

/// The focus of a page written for `sql`, as table names.
fn default_view(sql: &str) -> Vec<String> {
    let data = island(&lint_sql_html(sql));
    let tables = data["tables"].as_array().unwrap().clone();
    data["focus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            tables[i.as_u64().unwrap() as usize]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_hub_every_flagged_table_references_is_drawn() {
    // 150 tables with findings (no primary key), each referencing one clean table.
    let mut sql = String::from("CREATE TABLE users (id bigint PRIMARY KEY);\n");
    for i in 0..150 {
        sql.push_str(&format!(
            "CREATE TABLE t{i:03} (n bigint, user_id bigint REFERENCES users (id));\n"
        ));
    }
    let focus = default_view(&sql);
    assert_eq!(focus.len(), dblint::report::html::CAP);
    assert!(
        focus.contains(&"public.users".to_string()),
        "the hub is drawn"
    );
}

#[test]
fn room_under_the_cap_goes_to_tables_without_findings() {
    let mut sql = String::new();
    for i in 0..10 {
        sql.push_str(&format!("CREATE TABLE flagged{i} (n bigint);\n"));
    }
    for i in 0..50 {
        sql.push_str(&format!(
            "CREATE TABLE clean{i:02} (id bigint PRIMARY KEY);\n"
        ));
    }
    assert_eq!(
        default_view(&sql).len(),
        60,
        "every table fits under the cap"
    );
}

#[test]
fn tables_whose_printed_names_collide_stay_apart() {
    // "a.b".c and a."b.c" both print as a.b.c; the finding on the second links to
    // its own row.
    let sql = "CREATE SCHEMA a; CREATE SCHEMA \"a.b\";\n\
               CREATE TABLE \"a.b\".c (id bigint PRIMARY KEY);\n\
               CREATE TABLE a.\"b.c\" (n bigint);\n";
    let html = lint_sql_html(sql);
    let data = island(&html);
    assert_eq!(data["tables"].as_array().unwrap().len(), 2);
    // The row of the table without a primary key is the one with findings.
    let row = data["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| !t["findings"].as_array().unwrap().is_empty())
        .and_then(|t| t["row"].as_u64())
        .unwrap();
    let link = format!("<a href=\"#t-{row}\">a.b.c</a>");
    let item = &html[html.find("rule-table-without-pk").unwrap()..];
    assert!(item.contains(&link), "the finding links to row {row}");
    let tr = &html[html.find(&format!("<tr id=\"t-{row}\"")).unwrap()..][..400];
    assert!(
        tr.contains("data-status=\"warning\"") || tr.contains("data-status=\"error\""),
        "{tr}"
    );
}
