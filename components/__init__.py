"""Grondwerk's API components; each subpackage is one independently deployable Django project."""
