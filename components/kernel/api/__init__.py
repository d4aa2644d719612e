"""Django REST framework glue around the framework-free kernel."""
