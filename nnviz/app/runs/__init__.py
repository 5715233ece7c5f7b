"""Runs: the Runs dock and its stored runs, races between optimisers, and the learning-rate range test."""
