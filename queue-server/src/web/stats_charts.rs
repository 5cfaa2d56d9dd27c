//! The charts of the stats page, drawn on the server as SVG with plotters (no script, no
//! chart library in the browser). Text is measured with the bundled Noto Sans, registered
//! once. Each chart has a table under it with the same numbers (screen readers, letters).

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

/// The font plotters measures and names in the SVG.
const FONT: &str = "sans-serif";

fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../../assets/fonts/NotoSans-Regular.ttf"),
        )
        .is_ok()
    })
}

type Drawn = Result<String, String>;

fn draw(
    width: u32,
    height: u32,
    paint: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
) -> Drawn {
    if !font_ready() {
        return Err("the chart font does not load".to_owned());
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        paint(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A colour from light to dark blue for a share of the largest value.
fn shade(share: f64) -> RGBColor {
    let share = share.clamp(0.0, 1.0);
    let mix = |light: f64, dark: f64| (light + (dark - light) * share) as u8;
    RGBColor(mix(238.0, 20.0), mix(243.0, 70.0), mix(249.0, 140.0))
}

/// A heatmap: one row per `rows` label, one column per `columns` label.
pub fn heatmap(rows: &[String], columns: &[String], values: &[Vec<f64>]) -> Drawn {
    let max = values.iter().flatten().copied().fold(0.0, f64::max);
    let height = 40 + 26 * rows.len() as u32 + 30;
    draw(760, height, |root| {
        let (n, m) = (columns.len() as u32, rows.len() as u32);
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(26)
            .y_label_area_size(70)
            .build_cartesian_2d((0..n).into_segmented(), (0..m).into_segmented())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(columns.len())
            .y_labels(rows.len())
            .x_label_formatter(&|v| label(v, columns, false))
            .y_label_formatter(&|v| label(v, rows, true))
            .label_style((FONT, 13))
            .draw()
            .map_err(|e| e.to_string())?;
        let cells = values.iter().enumerate().flat_map(|(r, row)| {
            row.iter().enumerate().map(move |(c, value)| {
                let (c, r) = (c as u32, m - 1 - r as u32);
                let colour = if max > 0.0 {
                    shade(value / max)
                } else {
                    shade(0.0)
                };
                Rectangle::new(
                    [
                        (SegmentValue::Exact(c), SegmentValue::Exact(r)),
                        (SegmentValue::Exact(c + 1), SegmentValue::Exact(r + 1)),
                    ],
                    colour.filled(),
                )
            })
        });
        chart.draw_series(cells).map_err(|e| e.to_string())?;
        Ok(())
    })
}

/// Horizontal bars, one per label; `max` is the scale's end (e.g. 1.0 for shares).
pub fn bars(labels: &[String], values: &[f64], max: f64, percent: bool) -> Drawn {
    let height = 30 + 24 * labels.len() as u32 + 34;
    let top = values.iter().copied().fold(max, f64::max).max(1e-9);
    draw(760, height, |root| {
        let m = labels.len() as u32;
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(250)
            .build_cartesian_2d(0.0..top, (0..m).into_segmented())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(labels.len())
            .y_label_formatter(&|v| label(v, labels, true))
            .x_label_formatter(&|x| {
                if percent {
                    format!("{:.0} %", x * 100.0)
                } else {
                    format!("{x:.0}")
                }
            })
            .label_style((FONT, 13))
            .draw()
            .map_err(|e| e.to_string())?;
        let colour = RGBColor(31, 95, 168);
        chart
            .draw_series(values.iter().enumerate().map(|(i, value)| {
                let y = m - 1 - i as u32;
                Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(y)),
                        (*value, SegmentValue::Exact(y + 1)),
                    ],
                    colour.filled(),
                )
            }))
            .map_err(|e| e.to_string())?;
        Ok(())
    })
}

/// The label of a segment; rows count from the top.
fn label(value: &SegmentValue<u32>, labels: &[String], from_top: bool) -> String {
    let SegmentValue::CenterOf(index) = value else {
        return String::new();
    };
    let index = *index as usize;
    let index = if from_top {
        labels.len().checked_sub(index + 1)
    } else {
        Some(index)
    };
    index
        .and_then(|i| labels.get(i))
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_labels() {
        let rows: Vec<String> = ["Mo", "Di"].map(String::from).to_vec();
        let columns: Vec<String> = ["08", "09", "10"].map(String::from).to_vec();
        let svg =
            heatmap(&rows, &columns, &[vec![1.0, 5.0, 0.0], vec![2.0, 0.0, 3.0]]).expect("drawn");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        let text: String = svg.split_whitespace().collect();
        assert!(
            text.contains(">Mo<") && text.contains(">09<"),
            "labels are text"
        );
        // Five cells and a zero drawn in six shades: the largest darkest.
        assert!(
            svg.contains("fill=\"#14468C\""),
            "the largest value in the darkest shade"
        );
        let svg = bars(&["Anliegen <A&B>".to_owned()], &[0.5], 1.0, true).expect("drawn");
        assert!(
            svg.split_whitespace()
                .collect::<String>()
                .contains("Anliegen&lt;A&amp;B&gt;"),
            "text is escaped in the SVG"
        );
        assert!(svg.contains("50 %"));
        assert!(
            !svg.contains("style="),
            "no inline styles (the CSP forbids them)"
        );
    }
}
