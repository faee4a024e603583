//! `dblint inspect` against a database whose owner wants to run code as whoever
//! inspects it (the class of CVE-2018-1058). The owner shadows, in a schema of their
//! own, every built-in function the catalog queries name, every operator, the catalog
//! relations and the types of the casts, each raising an exception, and puts that
//! schema first with `ALTER DATABASE … SET search_path` and `ALTER ROLE … SET`.
//!
//! inspect must succeed as the superuser and as the owner, with the findings `lint`
//! gives for the same DDL. The probes prove the shadows work (an unqualified call does
//! raise), so the test can fail; and every query is also run directly with the hostile
//! schema first in the path, so each function, operator, cast and relation is shown to
//! be schema-qualified independently of the pinned search path.

mod common;
use common::pg::{fingerprints, fresh_db, url_for};
use common::{dblint, root};
use std::collections::BTreeSet;

const OWNER: &str = "dblint_hostile_owner";

/// Every word followed by `(` in the catalog queries: the functions to shadow (and some
/// SQL keywords, which match no function and are harmless).
fn called_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut queries = dblint::source::catalog::queries::all(150000);
    queries.push(dblint::source::catalog::queries::sequences_without_values());
    for q in queries {
        let bytes = q.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let mut j = i;
                while j < bytes.len() && bytes[j] == b' ' {
                    j += 1;
                }
                if j < bytes.len() && bytes[j] == b'(' {
                    names.insert(q[start..i].to_ascii_lowercase());
                }
            } else {
                i += 1;
            }
        }
    }
    names
}

/// The owner's trap: run as the database owner (not a superuser).
fn plant_shadows(client: &mut postgres::Client) {
    let names: Vec<String> = called_names().into_iter().collect();
    // The owner's own session (a role setting from an earlier run may be hostile).
    client
        .batch_execute("SET search_path = pg_catalog, public")
        .unwrap();
    client
        .batch_execute(
            "CREATE SCHEMA evil;
             CREATE FUNCTION evil.boom() RETURNS boolean LANGUAGE plpgsql
               AS $$BEGIN RAISE EXCEPTION 'hostile code ran'; END$$;",
        )
        .unwrap();
    // Functions: every overload of every called name, same arguments, raising.
    client
        .batch_execute(&format!("SET dblint.names = '{}'", names.join(",")))
        .unwrap();
    client
        .batch_execute(
            "DO $do$
             DECLARE r record;
             BEGIN
               FOR r IN SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
                               pg_catalog.format_type(p.prorettype, NULL) AS ret, p.proretset
                        FROM pg_catalog.pg_proc p
                        WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND p.prokind = 'f'
                          AND p.proname::text = ANY (pg_catalog.string_to_array(pg_catalog.current_setting('dblint.names'), ','))
               LOOP
                 BEGIN
                   EXECUTE pg_catalog.format(
                     'CREATE FUNCTION evil.%I(%s) RETURNS %s%s LANGUAGE plpgsql AS $b$BEGIN RAISE EXCEPTION %L; END$b$',
                     r.proname, r.args, CASE WHEN r.proretset THEN 'SETOF ' ELSE '' END, r.ret,
                     'hostile function ' || r.proname || ' ran');
                 EXCEPTION WHEN others THEN NULL;
                 END;
               END LOOP;
             END $do$",
        )
        .unwrap();
    // Operators: every pg_catalog operator on ordinary types, same operand types.
    client
        .batch_execute(
            "DO $do$
             DECLARE r record; n int := 0; f text;
             BEGIN
               FOR r IN SELECT o.oprname, o.oprleft, o.oprright, o.oprresult
                        FROM pg_catalog.pg_operator o
                        WHERE o.oprnamespace = 'pg_catalog'::pg_catalog.regnamespace
               LOOP
                 n := n + 1;
                 f := 'op_' || n;
                 BEGIN
                   IF r.oprleft = 0 THEN
                     EXECUTE pg_catalog.format('CREATE FUNCTION evil.%I(%s) RETURNS %s LANGUAGE plpgsql AS $b$BEGIN RAISE EXCEPTION %L; END$b$',
                       f, pg_catalog.format_type(r.oprright, NULL), pg_catalog.format_type(r.oprresult, NULL), 'hostile operator ' || r.oprname || ' ran');
                     EXECUTE pg_catalog.format('CREATE OPERATOR evil.%s (RIGHTARG = %s, FUNCTION = evil.%I)',
                       r.oprname, pg_catalog.format_type(r.oprright, NULL), f);
                   ELSE
                     EXECUTE pg_catalog.format('CREATE FUNCTION evil.%I(%s, %s) RETURNS %s LANGUAGE plpgsql AS $b$BEGIN RAISE EXCEPTION %L; END$b$',
                       f, pg_catalog.format_type(r.oprleft, NULL), pg_catalog.format_type(r.oprright, NULL),
                       pg_catalog.format_type(r.oprresult, NULL), 'hostile operator ' || r.oprname || ' ran');
                     EXECUTE pg_catalog.format('CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.%I)',
                       r.oprname, pg_catalog.format_type(r.oprleft, NULL), pg_catalog.format_type(r.oprright, NULL), f);
                   END IF;
                 EXCEPTION WHEN others THEN NULL;
                 END;
               END LOOP;
             END $do$;",
        )
        .unwrap();
    // Relations: every catalog table and view, shadowed by a view that raises.
    client
        .batch_execute(
            "DO $do$
             DECLARE r record;
             BEGIN
               FOR r IN SELECT c.relname FROM pg_catalog.pg_class c
                        WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relkind IN ('r', 'v')
               LOOP
                 BEGIN
                   EXECUTE pg_catalog.format('CREATE VIEW evil.%I AS SELECT * FROM pg_catalog.%I WHERE evil.boom()', r.relname, r.relname);
                 EXCEPTION WHEN others THEN NULL;
                 END;
               END LOOP;
             END $do$;",
        )
        .unwrap();
    // Types named in casts: domains whose check raises.
    for t in [
        "int2", "int4", "int8", "float8", "text", "name", "oid", "\"char\"", "regclass", "bool",
    ] {
        client
            .batch_execute(&format!(
                "CREATE DOMAIN evil.{t} AS pg_catalog.{t} CHECK (evil.boom())"
            ))
            .unwrap();
    }
}

/// The same hostile search path applied in a session, for the probes.
const HOSTILE_PATH: &str = "SET search_path = evil, pg_catalog, public";

fn hostile_database() -> String {
    let db = fresh_db("hostile");
    common::pg::login_role(&db, OWNER);
    let mut admin = postgres::Client::connect(&url_for(&db, ""), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {db} OWNER TO {OWNER};
             GRANT ALL ON SCHEMA public TO {OWNER};
             ALTER SCHEMA public OWNER TO {OWNER};"
        ))
        .unwrap();
    // The superuser's own sessions in this database get the hostile path too.
    admin
        .batch_execute(&format!(
            "ALTER ROLE postgres IN DATABASE {db} SET search_path = evil, pg_catalog, public"
        ))
        .unwrap();
    let owner_url = url_for(&db, "").replace("//postgres:", &format!("//{OWNER}:"));
    let mut owner = postgres::Client::connect(&owner_url, postgres::NoTls).unwrap();
    plant_shadows(&mut owner);
    owner
        .batch_execute(&format!(
            "ALTER DATABASE {db} SET search_path = evil, pg_catalog, public;
             ALTER ROLE {OWNER} SET search_path = evil, pg_catalog, public;"
        ))
        .unwrap();
    db
}

fn fixture_files() -> Vec<std::path::PathBuf> {
    dblint::source::sql::input_files(&[root().join("sample-dbs/roofing/migrations")]).unwrap()
}

#[test]
fn shadowed_builtins_never_run_and_findings_match_lint() {
    let hostile = {
        let name = hostile_database();
        // Put the same DDL into the hostile database, with a safe path for loading.
        let mut c = postgres::Client::connect(&url_for(&name, ""), postgres::NoTls).unwrap();
        c.batch_execute("SET search_path = public, pg_catalog")
            .unwrap();
        for file in fixture_files() {
            let text = std::fs::read_to_string(&file).unwrap();
            for statement in dblint::source::sql::split::split(&text).statements {
                c.simple_query(&statement.sql)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            }
        }
        name
    };

    // The probes: the trap is real (an unqualified call, operator, relation or cast
    // with the hostile path does run the owner's code).
    let mut probe = postgres::Client::connect(&url_for(&hostile, ""), postgres::NoTls).unwrap();
    let shown: String = probe.query_one("SHOW search_path", &[]).unwrap().get(0);
    assert!(shown.starts_with("evil"), "the trap is not armed: {shown}");
    for sql in [
        "SELECT format_type(23, NULL)",
        "SELECT 1::oid = 1::oid",
        "SELECT count(*) FROM pg_class",
        "SELECT 1::int8",
        "SELECT 'a'::name !~~ 'b'",
    ] {
        let e = probe
            .simple_query(sql)
            .expect_err(&format!("`{sql}` should have run the hostile code"));
        assert!(
            e.as_db_error()
                .is_some_and(|d| d.message().contains("hostile")),
            "{sql}: {e:?}"
        );
    }

    // Every catalog query, run with the hostile schema first: nothing is resolved
    // through the path, so nothing hostile runs.
    probe.batch_execute(HOSTILE_PATH).unwrap();
    let mut tx = probe
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .unwrap();
    // The queries as inspect builds them for this server (the version gates).
    let version: String = tx
        .query_one(
            "SELECT pg_catalog.current_setting('server_version_num')",
            &[],
        )
        .unwrap()
        .get(0);
    let mut queries = dblint::source::catalog::queries::all(version.parse().unwrap());
    queries.push(dblint::source::catalog::queries::sequences_without_values());
    let locked: Vec<i64> = Vec::new();
    for q in &queries {
        let run = |tx: &mut postgres::Transaction| {
            if dblint::source::catalog::queries::takes_locked_tables(q) {
                tx.query(q.as_str(), &[&locked])
            } else {
                tx.query(q.as_str(), &[])
            }
        };
        if q.contains("pg_get_viewdef") {
            // pg_get_viewdef finds the view's rule with a query of its own (`… FROM
            // pg_catalog.pg_rewrite WHERE ev_class = $1 …`, PostgreSQL 12-18) whose
            // `=` is resolved through the search path: with the hostile path it runs
            // the owner's operator; with the path inspect pins (pg_catalog first) it
            // cannot.
            tx.batch_execute("SAVEPOINT viewdef").unwrap();
            let e = run(&mut tx).expect_err("the server's own lookup should meet the trap");
            assert!(
                e.as_db_error()
                    .is_some_and(|d| d.message().contains("hostile")
                        && d.where_().is_some_and(|w| w.contains("pg_rewrite"))),
                "{e:?}"
            );
            tx.batch_execute(
                "ROLLBACK TO SAVEPOINT viewdef; SET LOCAL search_path = pg_catalog, pg_temp",
            )
            .unwrap();
            if let Err(e) = run(&mut tx) {
                panic!("the views query ran hostile code under the pinned path: {e:?}\n{q}");
            }
            tx.batch_execute(HOSTILE_PATH).unwrap();
            continue;
        }
        if let Err(e) = run(&mut tx) {
            panic!("a catalog query resolved a name through the search path: {e:?}\n{q}");
        }
    }
    tx.rollback().unwrap();

    // inspect, as the superuser and as the owner: succeeds, pins the path, and finds
    // what lint finds in the same DDL.
    let flags = ["--format", "json", "--no-config", "--fail-on", "none"];
    let mut lint_args = vec!["lint".to_string()];
    lint_args.extend(fixture_files().iter().map(|p| p.display().to_string()));
    lint_args.extend(flags.iter().map(|s| s.to_string()));
    let lint_args: Vec<&str> = lint_args.iter().map(String::as_str).collect();
    let linted = dblint(&lint_args);
    assert_eq!(linted.code, 0, "{}", linted.stderr);
    let is_migration = |f: &String| {
        dblint::rules::REGISTRY
            .iter()
            .any(|r| r.meta().is_migration() && f.contains(&format!(" {}:", r.meta().id)))
    };
    let expected: BTreeSet<String> = fingerprints(&linted.stdout)
        .into_iter()
        .filter(|f| !is_migration(f))
        .collect();
    assert!(!expected.is_empty());
    let superuser = url_for(&hostile, "");
    let owner = superuser.replace("//postgres:", &format!("//{OWNER}:"));
    for url in [superuser, owner] {
        let mut args = vec!["inspect", url.as_str(), "--exclude-schema", "evil"];
        args.extend(flags);
        let run = dblint(&args);
        assert_eq!(run.code, 0, "{url}: {}", run.stderr);
        assert!(!run.stderr.contains("hostile"), "{}", run.stderr);
        assert_eq!(fingerprints(&run.stdout), expected, "{url}");
    }

    // dblint's own session has the pinned path, whatever the database and role say.
    let info = dblint::source::catalog::conninfo::ConnInfo::parse(&url_for(
        &hostile,
        "options=-c%20search_path%3Devil",
    ))
    .unwrap();
    let mut client = dblint::source::catalog::connect::connect(&info).unwrap();
    let path: String = client.query_one("SHOW search_path", &[]).unwrap().get(0);
    assert_eq!(path, "pg_catalog,pg_temp");
}
