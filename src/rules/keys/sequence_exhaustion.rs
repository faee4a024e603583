use crate::finding::{Finding, HazardKind};
use crate::model::{quote_ident, QualifiedName};
use crate::rules::{Context, OptionKind, OptionSpec, Rule, RuleMeta};

/// `threshold`: Share of the column type range a sequence may use before it is reported.
pub const THRESHOLD: OptionSpec = OptionSpec {
    name: "threshold",
    kind: OptionKind::Share,
    default: r#"0.75"#,
    doc: "Share of the column type range a sequence may use before it is reported.",
};

declare_rule! {
    /// ## What it does
    /// Live databases only. Flags sequences (serial and identity columns included)
    /// that have used `threshold` or more of the range of the column
    /// they feed, or of their own type when they feed none.
    ///
    /// ## Why is this bad?
    /// When an `integer` key reaches 2,147,483,647 every INSERT fails, and the fix —
    /// changing the column to `bigint` — rewrites the table under an exclusive lock,
    /// along with every foreign key column that references it. It has to be planned
    /// months ahead, not discovered at 3 a.m. (`nextval` raises "reached maximum value
    /// of sequence" at the sequence's MAXVALUE: "Sequence Manipulation Functions").
    /// The finding is a hazard that holds the grade at D- past the threshold and at F
    /// past 90 % (`dblint explain scoring`, "Hazards").
    ///
    /// ## Example
    /// ```sql
    /// CREATE TABLE events (id serial PRIMARY KEY);  -- last_value 1,900,000,000
    /// ```
    ///
    /// ## Fix
    /// ```sql
    /// ALTER TABLE events ALTER COLUMN id TYPE bigint;  -- rewrites the table; plan a window
    /// ALTER SEQUENCE events_id_seq AS bigint;
    /// ```
    SequenceExhaustion { id: "sequence-exhaustion", summary: "Sequence close to the end of its column's range", evidence: Behaviour, kind: Live, options: [THRESHOLD] }
}

fn max_for(type_name: &str) -> Option<i64> {
    match type_name {
        "smallint" => Some(i16::MAX as i64),
        "integer" => Some(i32::MAX as i64),
        "bigint" => Some(i64::MAX),
        _ => None,
    }
}

impl Rule for SequenceExhaustion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context) -> Vec<Finding> {
        let threshold = ctx.options.share(&THRESHOLD);
        let mut out = Vec::new();
        for seq in ctx.db.sequences.values() {
            let Some(last) = seq.last_value else { continue };
            let column = seq.owned_by.as_ref().and_then(|(t, c)| {
                ctx.db
                    .table(t)
                    .and_then(|table| table.column(c))
                    .map(|col| (t, c, col))
            });
            let type_name = column
                .map(|(_, _, col)| col.data_type.name.to_string())
                .unwrap_or_else(|| seq.data_type.name.to_string());
            let Some(max) = max_for(&type_name) else {
                continue;
            };
            let share = last as f64 / max as f64;
            if share < threshold {
                continue;
            }
            let (table, fix) = match column {
                Some((t, c, _)) => (
                    t.clone(),
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} TYPE bigint;  -- rewrites the table and needs the referencing columns widened too\nALTER SEQUENCE {} AS bigint;",
                        t.sql(),
                        quote_ident(c),
                        seq.name.sql()
                    ),
                ),
                None => (QualifiedName::new(seq.name.schema.clone(), seq.name.name.clone()), format!("ALTER SEQUENCE {} AS bigint;", seq.name.sql())),
            };
            out.push(
                ctx.finding(
                    &table,
                    format!(
                        "sequence {} has used {:.0} % of the {type_name} range ({last} of {max})",
                        seq.name,
                        share * 100.0
                    ),
                )
                .object(&seq.name.name)
                .fix(fix)
                .hazard(
                    HazardKind::Outage,
                    if share >= 0.9 {
                        crate::score::CEILING_SEQUENCE_NEAR_END
                    } else {
                        crate::score::CEILING_SEQUENCE_FILLING
                    },
                ),
            );
        }
        out
    }
}
