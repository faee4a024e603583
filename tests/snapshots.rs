//! The scorecard of every sample database, as a user sees it and as CI reads it.
//! Review changes with `INSTA_UPDATE=always cargo test --test snapshots` and `git diff`.

mod common;
use common::dblint;

const SAMPLES: &[(&str, &str)] = &[
    ("benchwarmers", "sample-dbs/benchwarmers"),
    ("prodmatic", "sample-dbs/prodmatic"),
    ("helpdesk", "sample-dbs/helpdesk"),
    ("roofing", "sample-dbs/roofing/migrations"),
    ("kin2", "sample-dbs/kin2"),
];

#[test]
fn sample_scorecards() {
    for (name, path) in SAMPLES {
        let run = dblint(&["lint", path, "--all-migrations"]);
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: exit {} {}",
            run.code,
            run.stderr
        );
        assert!(
            run.stderr.is_empty(),
            "{name} replays cleanly: {}",
            run.stderr
        );
        insta::assert_snapshot!(format!("{name}_scorecard"), run.stdout);
    }
}

#[test]
fn sample_findings_json() {
    for (name, path) in SAMPLES {
        let run = dblint(&["lint", path, "--all-migrations", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        // The fingerprints and severities are the contract; messages and fixes are
        // covered by the scorecard snapshot.
        let summary: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["severity"].as_str().unwrap(),
                    f["fingerprint"].as_str().unwrap()
                )
            })
            .collect();
        insta::assert_snapshot!(format!("{name}_fingerprints"), summary.join("\n"));
    }
}

/// The defects `shared/seeds/README.md` lists for each report (the reports called
/// every one of these schemas excellent).
#[test]
fn each_sample_catches_the_defects_its_report_missed() {
    let expected: &[(&str, &[&str])] = &[
        (
            "sample-dbs/benchwarmers",
            &[
                "fk-missing-index:public.matches.matches_request_id_fkey",
                "fk-missing-index:public.matches.matches_profile_id_fkey",
                "fk-missing-index:public.offers.offers_matchId_fkey",
                "fk-missing-index:public.engagements.engagements_offerId_fkey",
                "fk-missing-index:public.reviews.reviews_engagementId_fkey",
                "fk-missing-index:public.reviews.reviews_profile_id_fkey",
                "fk-missing-index:public.otp_codes.otp_codes_user_id_fkey",
                "missing-fk:public.conversations(engagement_id)",
                "missing-fk:public.conversations(offer_id)",
                "missing-fk:public.escrow_payments(engagement_id)",
                "status-without-check:public.subscriptions(status)",
            ],
        ),
        (
            "sample-dbs/prodmatic",
            &[
                "soft-delete-unique:public.Organization.Organization_slug_key",
                "soft-delete-unique:public.Product.Product_key_key",
                "cascade-into-audit:public.AuditLog.AuditLog_organizationId_fkey",
                "cascade-chain:public.Organization",
            ],
        ),
        (
            "sample-dbs/helpdesk",
            &[
                "cascade-into-audit:public.tickets_tickethistory.tickets_tickethistory_user_id_0d1e2f3a_fk_accounts_user_id",
                "cascade-on-actor:public.accounts_userpermission.accounts_userpermiss_granted_by_id_3e4f5a6b_fk_accounts_",
                "soft-delete-unique:public.organizations_organization.organizations_organization_slug_key",
                "tenant-unscoped-unique:public.tickets_ticket.tickets_ticket_ticket_number_key",
            ],
        ),
        (
            "sample-dbs/roofing/migrations",
            &[
                "unique-on-flag-or-status:public.contacts.contacts_customerId_isPrimary_key",
                "unique-on-flag-or-status:public.workflow_alerts.workflow_alerts_projectId_stepId_status_key",
                "missing-fk:public.project_messages(stepId)",
                "missing-fk:public.security_events(deviceId)",
                "mixed-case-identifier:public.users.identifiers",
                "plaintext-secret:public.users(passwordResetToken)",
            ],
        ),
        (
            "sample-dbs/kin2",
            &[
                "plaintext-secret:public.ApiKey(key)",
                "plaintext-secret:public.Session(token)",
                "cascade-into-audit:public.ActivityLog.ActivityLog_userId_fkey",
            ],
        ),
    ];
    for (path, fingerprints) in expected {
        let run = dblint(&[
            "lint",
            path,
            "--all-migrations",
            "--format",
            "json",
            "--fail-on",
            "none",
        ]);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let found: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap())
            .collect();
        for fp in *fingerprints {
            assert!(found.contains(fp), "{path} misses {fp}");
        }
        let grade = doc["score"]["grade"].as_str().unwrap();
        assert!(
            !grade.starts_with('A') && !grade.starts_with('B'),
            "{path} grades {grade}: the report's defects are serious"
        );
    }
}
