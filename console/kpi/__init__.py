"""The KPI formulas, one module per domain, each defined once and used by every view, the
warning rules and the command line (DESIGN.md §6). Figures are rounded half-up (四舍五入) to
the digits the domain documents."""
