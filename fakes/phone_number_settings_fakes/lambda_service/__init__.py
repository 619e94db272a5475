"""Runs a synthesised Lambda asset as the Lambda service would."""
