"""ground_truth."""
