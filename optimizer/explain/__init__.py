"""Explanations: conflict sets, relaxations, why / why-not for teachers and schools."""
