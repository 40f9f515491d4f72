//! Pilothouse diagrams: cluster state → diagram model → layout → PlantUML / SVG / PNG.
