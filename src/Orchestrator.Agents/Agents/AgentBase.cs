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
/// <remarks>
/// Every call that is work (<see cref="CountsAsWork"/>) is an outcome in <see cref="FailingWork"/>'s
/// streak: a failure result, an <see cref="AgentException"/> or any other exception fails it
/// (<see cref="WorkFailure"/> says which results fail), a success ends the streak. The caller's
/// mistakes (unknown method, invalid params) and "unavailable" answers (busy, not configured) are
/// not outcomes of the agent's work and count neither way.
/// </remarks>
public abstract class AgentBase : IAgent
{
    private readonly Dictionary<string, Func<JsonElement, CancellationToken, Task<AgentResult>>> _methods = new(StringComparer.Ordinal);
    private readonly WorkFailureStreak _work = new();
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

    /// <inheritdoc/>
    public string? FailingWork => _work.Failing;

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

        AgentResult result;
        try
        {
            result = await call(parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentException ex)
        {
            result = AgentResult.Failure(ex.Code, $"{Name}.{method}: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException && CountsAsWork(method))
        {
            _work.Failed($"{method}: {ex.GetType().Name}: {ex.Message}");
            throw;
        }

        Beat();
        if (CountsAsWork(method) && result.ErrorCode is not (AgentErrors.UnknownMethod or AgentErrors.InvalidParams or AgentErrors.Unavailable))
        {
            if (WorkFailure(result) is { } failure)
            {
                _work.Failed(method + ": " + failure);
            }
            else
            {
                _work.Succeeded();
            }
        }

        return result;
    }

    /// <summary>Whether a call of <paramref name="method"/> is work whose outcome counts (all by default; a status query is not).</summary>
    protected virtual bool CountsAsWork(string method) => true;

    /// <summary>Why <paramref name="result"/> is a failed work item, or null when it succeeded: by default its error.</summary>
    protected virtual string? WorkFailure(AgentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Ok ? null : $"{result.ErrorCode}: {result.Error}";
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
