using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>The orchestrator agent's name, limits and prompt (from its agent_model.yaml entry).</summary>
public sealed record OrchestratorAgentOptions
{
    /// <summary>The entry's name: the source its signals are signed with.</summary>
    public required string Name { get; init; }

    /// <summary><c>max_steps</c>: most model calls (round trips) one task may make.</summary>
    public int MaxSteps { get; init; } = 8;

    /// <summary><c>max_task_tokens</c>: most input + output tokens one task may spend.</summary>
    public int MaxTaskTokens { get; init; } = 50_000;

    /// <summary>The model's <c>timeout</c>: bound of each model call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>temperature</c>; null = the server's default.</summary>
    public float? Temperature { get; init; }

    /// <summary><c>max_tokens</c> per answer; null = the provider's default (cut to what the budget has left).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>The user's own prompt (<c>prompt_file</c>), put before the agent's rules; null = the rules alone.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>The API key, only to scrub it from error texts (never sent anywhere from here).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The options of agent_model.yaml entry <paramref name="name"/> (<paramref name="model"/>).</summary>
    public static OrchestratorAgentOptions From(string name, AgentModel model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(model);
        return new OrchestratorAgentOptions
        {
            Name = name,
            MaxSteps = model.MaxSteps,
            MaxTaskTokens = model.MaxTaskTokens,
            CallTimeout = model.Timeout,
            Temperature = (float)model.Temperature,
            MaxOutputTokens = model.MaxTokens,
            SystemPrompt = model.Prompt,
            ApiKey = model.ApiKey is { IsEmpty: false } key ? key.Reveal() : null,
        };
    }

    /// <summary><paramref name="text"/> with the API key (if any) replaced by <c>***</c>.</summary>
    public string Scrub(string text) =>
        string.IsNullOrEmpty(ApiKey) || string.IsNullOrEmpty(text) ? text : text.Replace(ApiKey, "***", StringComparison.Ordinal);

    /// <summary>A description without the key.</summary>
    public override string ToString() => $"OrchestratorAgentOptions {{ Name = {Name}, MaxSteps = {MaxSteps}, MaxTaskTokens = {MaxTaskTokens}, CallTimeout = {CallTimeout} }}";
}
