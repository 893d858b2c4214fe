//! The results: a table with ratios on stdout, a JSON report and an SVG chart.

use std::fmt::Write as _;
use std::path::Path;

use crate::workloads::{Measure, RAW_REDB, SQLITE, TIM_C, TIM_RUST};

fn value(m: &Measure, engine: &str) -> Option<f64> {
    m.values.iter().find(|(e, _)| *e == engine).map(|(_, v)| *v)
}

/// The engine a measure's ratios are for: this engine through Rust, or else through C.
fn tim_engine(m: &Measure) -> Option<(&'static str, f64)> {
    [TIM_RUST, TIM_C].into_iter().find_map(|engine| value(m, engine).map(|v| (engine, v)))
}

/// How many times better this engine ([`tim_engine`]) is than `other` (>1: better).
fn advantage(m: &Measure, other: &str) -> Option<f64> {
    let (_, ours) = tim_engine(m)?;
    let theirs = value(m, other)?;
    if ours <= 0.0 || theirs <= 0.0 {
        return None;
    }
    Some(if m.higher_is_better { ours / theirs } else { theirs / ours })
}

/// Prints the table.
pub fn print_table(results: &[Measure]) {
    println!("{:<14} {:<72} {:>14}  engine", "workload", "metric", "value");
    for m in results {
        for (engine, v) in &m.values {
            println!("{:<14} {:<72} {:>14.1}  {engine} ({})", m.workload, m.metric, v, m.unit);
        }
        for other in [RAW_REDB, SQLITE] {
            if let (Some(r), Some((engine, _))) = (advantage(m, other), tim_engine(m)) {
                println!(
                    "{:<14} {:<72} {:>13.2}x  {engine} vs {other}",
                    m.workload, "  ratio (>1: tim better)", r
                );
            }
        }
    }
}

/// Writes `report.json` and `chart.svg` into `dir`.
pub fn write(dir: &Path, results: &[Measure], quick: bool) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json: Vec<_> = results
        .iter()
        .map(|m| {
            serde_json::json!({
                "workload": m.workload,
                "metric": m.metric,
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                "values": m.values.iter().map(|(e, v)| serde_json::json!({"engine": e, "value": v})).collect::<Vec<_>>(),
                "tim_vs_raw_redb": advantage(m, RAW_REDB),
                "tim_vs_sqlite": advantage(m, SQLITE),
            })
        })
        .collect();
    let report = serde_json::json!({ "mode": if quick { "quick" } else { "full" }, "results": json });
    std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(&report).unwrap_or_default())?;
    std::fs::write(dir.join("chart.svg"), svg(results))
}

/// One bar group per measure; bars scaled to the largest value of the group.
fn svg(results: &[Measure]) -> String {
    let colors = ["#2b6cb0", "#38a169", "#d69e2e", "#c53030", "#6b46c1", "#718096"];
    let row_h = 22.0;
    let mut y = 30.0;
    let mut body = String::new();
    for m in results {
        let _ = writeln!(
            body,
            r#"<text x="10" y="{y}" font-size="13" font-weight="bold">{} — {} ({}, {})</text>"#,
            esc(m.workload),
            esc(&m.metric),
            esc(m.unit),
            if m.higher_is_better { "higher is better" } else { "lower is better" }
        );
        y += 8.0;
        let max = m.values.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1e-9);
        for (i, (engine, v)) in m.values.iter().enumerate() {
            let w = (500.0 * v / max).max(0.0);
            let _ = writeln!(
                body,
                r#"<rect x="180" y="{y}" width="{w:.1}" height="16" fill="{}"/><text x="10" y="{:.1}" font-size="12">{}</text><text x="{:.1}" y="{:.1}" font-size="12">{v:.1}</text>"#,
                colors[i % colors.len()],
                y + 12.0,
                esc(engine),
                185.0 + w,
                y + 12.0
            );
            y += row_h;
        }
        y += 18.0;
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="820" height="{h}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{body}</svg>"#,
        h = y + 10.0
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
