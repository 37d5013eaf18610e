"""Experiments over the models: experiment files, the resumable result store, sweeps on
any executor, reports, sensitivity analysis, calibration and the headline comparison.
They know the models only through their parameter tables and ``simulate`` functions
(``kinds``)."""
