use super::{exit, Failure};
use crate::cli::{ReportArgs, ReportFormat};
use crate::metrics::RunResult;
use crate::redact::Redactor;
use crate::report::write::{write_views, View};
use crate::run::output::{read_result, RunDir};

pub fn report(args: ReportArgs) -> Result<u8, Failure> {
    let result = read_result(&args.run_dir).map_err(Failure::bad_input)?;
    let dir = if args.run_dir.is_dir() {
        args.run_dir.clone()
    } else {
        args.run_dir
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default()
    };
    let out = RunDir::existing(&dir, Redactor::default());
    for format in &args.format {
        match format {
            ReportFormat::Terminal => print!("{}", crate::report::terminal::render(&result)),
            ReportFormat::Json => {
                let path = out
                    .write_result(&result)
                    .map_err(|e| Failure::cannot_run(e.to_string()))?;
                eprintln!("wrote {}", path.display());
            }
            ReportFormat::Html => write_view(&out, &result, View::Html)?,
            ReportFormat::Markdown => write_view(&out, &result, View::Markdown)?,
            ReportFormat::Junit => write_view(&out, &result, View::Junit)?,
        }
    }
    Ok(exit::PASS)
}

fn write_view(out: &RunDir, result: &RunResult, view: View) -> Result<(), Failure> {
    for path in write_views(out, result, &[view]).map_err(|e| Failure::cannot_run(e.to_string()))? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
