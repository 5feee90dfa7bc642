"""Statistics of applications for disclosure (依申请公开) per agency and year: the agency's page, the
政务公开办's side-by-side table of its subtree, and the public figures in each agency's column."""
