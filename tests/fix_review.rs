//! Every fix dblint prints is reviewed by its own migration rules before it is
//! printed: what running the fix does to a table (a rewrite, a scan, a long lock, a
//! rename that breaks code) is said in a `-- review:` line above the statement, and
//! a fix that is safe says nothing more. (That each fix runs on PostgreSQL is
//! tests/fix_roundtrip.rs.)

mod common;
use common::{dblint, root};

/// fingerprint → (fix, help) of every finding `lint --all` makes on a rule fixture.
fn fixes(rule: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let file = root()
        .join("tests/fixtures/rules")
        .join(rule)
        .join("fire.sql");
    let file = file.display().to_string();
    let run = dblint(&[
        "lint",
        &file,
        "--all",
        "--no-config",
        "--format",
        "json",
        "--fail-on",
        "none",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap().to_string(),
                f["fix"].as_str().map(str::to_string),
                f["help"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn fix_of(all: &[(String, Option<String>, Option<String>)], fingerprint: &str) -> String {
    all.iter()
        .find(|(f, _, _)| f == fingerprint)
        .and_then(|(_, fix, _)| fix.clone())
        .unwrap_or_else(|| panic!("no fix for {fingerprint}: {all:#?}"))
}

#[test]
fn a_fix_that_rewrites_a_table_says_so() {
    let all = fixes("table-without-pk");
    let fix = fix_of(&all, "table-without-pk:public.events");
    let review = fix.find("-- review: adding events.id with an identity column");
    let statement = fix.find("ALTER TABLE public.events ADD COLUMN id");
    assert!(
        review.is_some()
            && review < statement
            && fix.contains("rewrites public.events under ACCESS EXCLUSIVE"),
        "the review line stands above the statement it is about:\n{fix}"
    );
    assert!(fix.contains("in steps"), "the safe way is offered:\n{fix}");
}

#[test]
fn a_safe_fix_carries_no_review_line() {
    // varchar to text changes only the catalog; CREATE INDEX CONCURRENTLY takes no
    // lock that blocks writes; a fix with its own BEGIN … COMMIT closes it.
    let all = fixes("fk-type-mismatch");
    let fix = fix_of(&all, "fk-type-mismatch:public.tags.tags_owner_fkey");
    assert!(!fix.contains("-- review:"), "{fix}");
    let fix = fix_of(&all, "fk-missing-index:public.posts.posts_user_id_fkey");
    assert!(!fix.contains("-- review:"), "{fix}");
    let serial = fixes("serial-not-identity");
    assert!(serial
        .iter()
        .any(|(_, fix, _)| fix.as_deref().is_some_and(|f| f.starts_with("BEGIN;"))));
    for (fingerprint, fix, _) in serial {
        let fix = fix.unwrap_or_default();
        assert!(!fix.contains("-- review:"), "{fingerprint}:\n{fix}");
    }
}

#[test]
fn no_fix_narrows_a_type() {
    let all = fixes("fk-type-mismatch");
    // integer → bigint widens the child, and says it rewrites the table.
    let widen = fix_of(&all, "fk-type-mismatch:public.posts.posts_user_id_fkey");
    assert!(
        widen.contains("ALTER COLUMN user_id TYPE bigint")
            && widen.contains("rewrites public.posts"),
        "{widen}"
    );
    // A bigint child of an integer key is not narrowed: advice to widen the key.
    let (_, fix, help) = all
        .iter()
        .find(|(f, _, _)| f == "fk-type-mismatch:public.offices.offices_region_id_fkey")
        .unwrap();
    assert_eq!(fix, &None);
    assert!(
        help.as_deref()
            .is_some_and(|h| h.contains("widen public.regions.id to bigint")),
        "{help:?}"
    );
}

#[test]
fn a_secret_is_not_fixed_by_renaming_it() {
    for (fingerprint, fix, help) in fixes("plaintext-secret") {
        if fingerprint.starts_with("plaintext-secret:") {
            assert_eq!(fix, None, "{fingerprint}: a rename only hides the finding");
            assert!(help.is_some(), "{fingerprint}");
        }
    }
}
