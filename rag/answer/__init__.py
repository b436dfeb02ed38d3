"""Answer: choose evidence sentences (``select``), compose the cited answer, number references,
rate evidence levels and read follow-up questions."""
