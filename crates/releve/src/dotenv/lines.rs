//! The line of `.env` a fault is on: the line setting a variable, or the one dotenvy refused.

/// The 1-based line of `content` setting `name` (its first), 0 when not found.
pub(super) fn line_setting(content: &str, name: &str) -> usize {
    content
        .lines()
        .position(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            line.strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |at| at + 1)
}

/// The 1-based number of the line of `content` dotenvy refused, 0 when not found. dotenvy reports
/// the bad line (without its comment), or only the bad value in it: a line equal to the text
/// wins, then one equal to it but for its comment, then a variable line whose value holds it
/// (comments are never the bad line).
pub(super) fn line_of(content: &str, text: &str) -> usize {
    let first = text.lines().next().unwrap_or_default();
    if first.trim().is_empty() {
        return 0;
    }
    let lines: Vec<&str> = content.lines().collect();
    let variable = |line: &&str| !line.trim_start().starts_with('#');
    let holds_it = |line: &&str| {
        variable(line)
            && line
                .split_once('=')
                .is_some_and(|(_, value)| value.contains(first))
    };
    // Among the lines holding the bad value, one dotenv refuses on its own (`B=x y` rather
    // than `A="x y"`).
    let refused = |line: &&str| dotenvy::from_read_iter(line.as_bytes()).any(|item| item.is_err());
    lines
        .iter()
        .position(|line| *line == first)
        // A line dotenvy quotes without its comment (`NAME   # to fill in`).
        .or_else(|| {
            lines.iter().position(|line| {
                variable(line)
                    && line.split('#').next().unwrap_or_default().trim_end() == first.trim_end()
            })
        })
        .or_else(|| {
            lines
                .iter()
                .position(|line| holds_it(line) && refused(line))
        })
        .or_else(|| lines.iter().position(holds_it))
        .map_or(0, |index| index + 1)
}
