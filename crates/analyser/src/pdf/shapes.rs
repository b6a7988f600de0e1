//! Rules, lines and shaded boxes drawn on the page.

use printpdf::{Line, LinePoint, Mm, Op, PaintMode, Pt, Rect};

use super::{CONTENT_WIDTH, Ink, MARGIN, ReportDocument, point};

impl ReportDocument {
    /// A thin horizontal rule across the content width.
    pub fn rule(&mut self) {
        self.line(
            MARGIN,
            self.y,
            MARGIN + CONTENT_WIDTH,
            self.y,
            0.4,
            Ink(190, 190, 190),
        );
        self.y += 2.0;
    }

    /// A straight line between two points given from the top-left corner.
    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, ink: Ink) {
        self.ops.extend([
            Op::SetOutlineColor { col: ink.color() },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(x1, y1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(x2, y2),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A filled rectangle whose top-left corner is `(x, top)`.
    pub(super) fn shade(&mut self, x: f32, top: f32, width: f32, height: f32, ink: Ink) {
        let lower_left = point(x, top + height);
        self.ops.extend([
            Op::SetFillColor { col: ink.color() },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(
                        lower_left.x,
                        lower_left.y,
                        Mm(width).into_pt(),
                        Mm(height).into_pt(),
                    )
                },
            },
        ]);
    }
}
