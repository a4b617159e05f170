"""Writes of the growth app, one module per area: `records` (a person's training, rotation stints,
awards and certificates), `training_import` (the provider's sheet), `programmes` (talent
programmes, tiers, duties, members, fulfilments, assessments), `regional` (competitions, studios,
base schools). Callers import the function from its module."""
