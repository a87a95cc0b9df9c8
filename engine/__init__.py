"""Xiaowei's engine: definitions, expressions, runtime, store, audit and the service layer.

Nothing here imports Flask, marshmallow or Graphviz (a unit test walks the package to keep it so).
"""
