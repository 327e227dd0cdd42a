"""How a trained run classifies its test set: predictions, the confusion matrix and the
accuracy of each class, computed once per run by ``nn.predict``'s rule."""

from __future__ import annotations

import nn
from chainrule.run import Run, TestClasses
from nn.metrics import confusion_matrix, per_class_accuracy
from nn.predict import target_class


def classes(run: Run) -> TestClasses:
    """The run's test classes (computed on the first call, then kept on the run)."""
    if run.test_classes is None:
        one_output = run.model.nouts[-1] == 1
        predicted = nn.predict(run.model, run.X_test, run.threshold if one_output else None)
        # one output: labels 0/1, or hinge's -1/+1, as classes 0 and 1
        truths = [int(target_class(t) > 0 if one_output else target_class(t)) for t in run.y_test]
        predictions = [int(p) for p in predicted]
        matrix = confusion_matrix(truths, predictions, run.args.classes)
        run.test_classes = TestClasses(truths, predictions, matrix, per_class_accuracy(matrix))
    return run.test_classes
