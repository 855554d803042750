use super::{exit, Failure};
use std::path::Path;

pub fn validate(scenario: &Path) -> Result<u8, Failure> {
    let plan = crate::scenario::load(scenario).map_err(|e| Failure::bad_input(e.to_string()))?;
    let text = crate::report::plan::render(&plan);
    print!(
        "{}",
        crate::redact::Redactor::new(&plan.secrets).text(&text)
    );
    println!("\n{}: valid", scenario.display());
    Ok(exit::PASS)
}
