use super::*;
use crate::trace::fixtures::{awkward_trace, real_traces};

fn rects(scene: &Scene) -> impl Iterator<Item = &Rect> {
    scene
        .groups
        .iter()
        .flat_map(|g| &g.shapes)
        .filter_map(|s| match s {
            Shape::Rect(r) => Some(r),
            _ => None,
        })
}

#[test]
fn everything_painted_is_finite_and_inside_the_picture() {
    // A canvas painter draws what it is given: nothing may fall outside or be NaN.
    let mut traces = real_traces().to_vec();
    traces.push(awkward_trace());
    let scene = timeline_scene(&traces);
    let inside = |x: f64, y: f64| {
        x.is_finite()
            && y.is_finite()
            && (0.0..=scene.width).contains(&x)
            && (0.0..=scene.height).contains(&y)
    };
    for shape in scene.groups.iter().flat_map(|g| &g.shapes) {
        match shape {
            Shape::Rect(r) => {
                assert!(
                    inside(r.x, r.y) && inside(r.x + r.width, r.y + r.height),
                    "{r:?}"
                );
                assert!(r.width > 0.0 && r.height > 0.0, "{r:?}");
            }
            Shape::Line(l) => assert!(inside(l.from.0, l.from.1) && inside(l.to.0, l.to.1)),
            Shape::Text(t) => {
                assert!(inside(t.x, t.y) && !t.parts.is_empty());
                assert!(t.parts.iter().all(|p| p.size > 0.0));
            }
        }
    }
    // Every hatch used is defined, once.
    for r in rects(&scene) {
        if let Fill::Hatch(name, colour) = r.fill {
            assert_eq!(
                scene
                    .hatches
                    .iter()
                    .filter(|h| **h == (name, colour))
                    .count(),
                1
            );
        }
    }
}

#[test]
fn one_group_per_run_then_the_legend_with_one_rect_per_span() {
    let traces = real_traces();
    let scene = timeline_scene(traces);
    assert_eq!(scene.groups.len(), traces.len() + 1);
    for (group, trace) in scene.groups.iter().zip(traces) {
        assert_eq!(group.technique, Some(trace.technique.id()));
        let spans = group
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Rect(r) if r.class.starts_with("span")));
        assert_eq!(spans.count(), trace.spans.len());
    }
    assert_eq!(scene.groups.last().map(|g| g.technique), Some(None));
}
