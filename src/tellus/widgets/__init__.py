"""Embeddable widgets: the gallery and map a DMO pastes into its own site."""
