//! `dblint explain <rule>` and `dblint explain scoring`.

use super::print_stdout;
use crate::packs::pack_of;
use crate::rules::{find, render_docs};

pub fn run(topic: &str) -> Result<u8, String> {
    if topic == "scoring" {
        print_stdout(crate::score::SCORING_DOCS)?;
        return Ok(0);
    }
    let rule = find(topic).ok_or_else(|| {
        format!("unknown rule `{topic}` (see `dblint rules`, or `dblint explain scoring`)")
    })?;
    let meta = rule.meta();
    let mut text = format!("# {} — {}\n\n", meta.id, meta.summary);
    if let Some((pack, pack_rule)) = pack_of(meta.id) {
        text.push_str(&format!(
            "Pack: {} ({})  ·  default severity: {}{}\n",
            pack.name,
            pack.category,
            pack_rule.severity,
            if pack_rule.enabled {
                ""
            } else {
                "  ·  opt-in"
            }
        ));
        if !pack_rule.options.is_empty() {
            text.push_str("Options (set under [rules.");
            text.push_str(meta.id);
            text.push_str("] in dblint.toml):\n");
            for (k, v) in &pack_rule.options {
                text.push_str(&format!("  {k} = {v}\n"));
            }
        }
        text.push('\n');
    }
    text.push_str(&render_docs(meta));
    print_stdout(&text)?;
    Ok(0)
}
