"""The engines that run an assembled model: CP-SAT (`cpsat`), HiGHS's staged search (`highs`),
and the automatic combination of the two (`auto`); `dispatch.run_engine` runs the one the
settings name. Every engine returns a `cpsat.Run` in cost units and knows no rule."""
