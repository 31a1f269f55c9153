namespace Orchestrator.Agents.Strategy;

/// <summary>Which client talks to the model (agent_model.yaml <c>provider</c>).</summary>
public enum LlmProvider
{
    /// <summary>Any OpenAI-compatible chat-completions server at <see cref="LlmStrategyOptions.Endpoint"/> (Gemini's, Ollama, vLLM, llama.cpp).</summary>
    OpenAiCompatible = 0,

    /// <summary>OpenAI itself (the same SDK; endpoint defaults to OpenAI's).</summary>
    OpenAi = 1,

    /// <summary>Anthropic's Messages API through the official <c>Anthropic</c> SDK's <c>IChatClient</c>.</summary>
    Anthropic = 2,
}
