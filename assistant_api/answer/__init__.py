"""From a triaged question to the answer contract: retrieval, routing to the asker's commune,
composition with citations (:class:`~assistant_api.answer.service.AssistantService`)."""
