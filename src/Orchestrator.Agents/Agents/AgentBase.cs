using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Agents.Routing;

namespace Orchestrator.Agents.Agents;

/// <summary>
/// An agent whose methods are registered with typed parameters: the router's JSON params are
/// bound to the method's record with the agents' strict JSON options (snake_case, no unknown
/// members, required members present, no strings for numbers), then validated; any problem is an
/// <see cref="AgentErrors.InvalidParams"/> result naming the parameter.
/// </summary>
public abstract class AgentBase : IAgent
{
    private readonly Dictionary<string, Func<JsonElement, CancellationToken, Task<AgentResult>>> _methods = new(StringComparer.Ordinal);
    private long _heartbeatTicks;

    protected AgentBase(string name, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Time = time ?? TimeProvider.System;
        Beat();
    }

    public string Name { get; }

    public IReadOnlyCollection<string> Methods => _methods.Keys;

    public DateTimeOffset LastHeartbeat => new(Interlocked.Read(ref _heartbeatTicks), TimeSpan.Zero);

    protected TimeProvider Time { get; }

    /// <summary>Records that the agent is alive.</summary>
    protected void Beat() => Interlocked.Exchange(ref _heartbeatTicks, Time.GetUtcNow().UtcTicks);

    /// <summary>Registers a method taking typed, validated parameters.</summary>
    protected void Register<TParams>(string method, Func<TParams, CancellationToken, Task<JsonNode?>> handler)
        where TParams : IAgentParams
    {
        _methods.Add(method, async (json, ct) =>
        {
            TParams? parameters;
            try
            {
                parameters = json.Deserialize<TParams>(AgentJson.Options);
            }
            catch (JsonException ex)
            {
                return AgentResult.Failure(AgentErrors.InvalidParams, $"{Name}.{method}: {Describe(ex)}");
            }

            if (parameters is null)
            {
                return AgentResult.Failure(AgentErrors.InvalidParams, $"{Name}.{method}: params must be an object");
            }

            string[] problems = [.. parameters.Validate()];
            if (problems.Length > 0)
            {
                return AgentResult.Failure(AgentErrors.InvalidParams, $"{Name}.{method}: {string.Join("; ", problems)}");
            }

            return AgentResult.Success(await handler(parameters, ct).ConfigureAwait(false));
        });
    }

    /// <summary>Registers a method without parameters (any given are refused).</summary>
    protected void Register(string method, Func<CancellationToken, Task<JsonNode?>> handler)
    {
        _methods.Add(method, async (json, ct) =>
        {
            if (json.ValueKind == JsonValueKind.Object && json.EnumerateObject().Any())
            {
                return AgentResult.Failure(AgentErrors.InvalidParams, $"{Name}.{method}: takes no parameters");
            }

            return AgentResult.Success(await handler(ct).ConfigureAwait(false));
        });
    }

    public async Task<AgentResult> InvokeAsync(string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        if (!_methods.TryGetValue(method, out Func<JsonElement, CancellationToken, Task<AgentResult>>? call))
        {
            return AgentResult.Failure(AgentErrors.UnknownMethod, $"{Name} has no method '{method}'; it has: {string.Join(", ", _methods.Keys.Order(StringComparer.Ordinal))}");
        }

        try
        {
            AgentResult result = await call(parameters, cancellationToken).ConfigureAwait(false);
            Beat();
            return result;
        }
        catch (AgentException ex)
        {
            Beat();
            return AgentResult.Failure(ex.Code, $"{Name}.{method}: {ex.Message}");
        }
    }

    public virtual Task ProbeAsync(CancellationToken cancellationToken)
    {
        Beat();
        return Task.CompletedTask;
    }

    public virtual Task RestartAsync(CancellationToken cancellationToken)
    {
        Beat();
        return Task.CompletedTask;
    }

    /// <summary>A binding error in the caller's terms: the parameter's path and what was wrong.</summary>
    private static string Describe(JsonException ex)
    {
        string path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "params" : ex.Path.TrimStart('$', '.');
        string reason = ex.Message;
        int cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        return path + ": " + reason;
    }
}
