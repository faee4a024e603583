//! `dblint explain <rule>` and `dblint explain scoring`.

use crate::error::{Result, Verdict};
use crate::output::print_stdout;
use crate::rules::find;

pub fn run(topic: &str) -> Result<Verdict> {
    if topic == "scoring" {
        print_stdout(&crate::docs::scoring())?;
        return Ok(Verdict::Pass);
    }
    let rule = find(topic).ok_or_else(|| {
        format!("unknown rule `{topic}` (see `dblint rules`, or `dblint explain scoring`)")
    })?;
    print_stdout(&crate::docs::explain(rule.meta()))?;
    Ok(Verdict::Pass)
}
