//! `dblint explain <rule>` and `dblint explain scoring`.

use super::print_stdout;
use crate::rules::find;

pub fn run(topic: &str) -> Result<u8, String> {
    if topic == "scoring" {
        print_stdout(&crate::docs::scoring())?;
        return Ok(0);
    }
    let rule = find(topic).ok_or_else(|| {
        format!("unknown rule `{topic}` (see `dblint rules`, or `dblint explain scoring`)")
    })?;
    print_stdout(&crate::docs::explain(rule.meta()))?;
    Ok(0)
}
