using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
/// not outcomes of the agent's work and count neither way. Work canceled by its caller (a deadline
/// passed, a task was canceled) before it ended fails the streak too: it gave nothing.
/// </remarks>
public abstract class AgentBase : IAgent
{
    private static readonly Regex s_missing = new("missing required properties including: (.+?)\\.?$", RegexOptions.CultureInvariant);
    private static readonly Regex s_unknown = new("The JSON property '([^']*)' could not be mapped", RegexOptions.CultureInvariant);
    private static readonly Regex s_converted = new("could not be converted to ([^ ]+?)\\.?$", RegexOptions.CultureInvariant);
    private static readonly Regex s_typeName = new("'?(System|Orchestrator)\\.[A-Za-z0-9_.`\\[\\],]+'?", RegexOptions.CultureInvariant);

    private readonly Dictionary<string, Func<JsonElement, CancellationToken, Task<AgentResult>>> _methods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<JsonElement, string?>> _checks = new(StringComparer.Ordinal);
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
        _checks.Add(method, json => Bind(method, json, out TParams? _));
        _methods.Add(method, async (json, ct) =>
        {
            if (Bind(method, json, out TParams? parameters) is { } error)
            {
                return AgentResult.Failure(AgentErrors.InvalidParams, error);
            }

            return AgentResult.Success(await handler(parameters!, ct).ConfigureAwait(false));
        });
    }

    /// <summary>Registers a method without parameters (any given are refused).</summary>
    protected void Register(string method, Func<CancellationToken, Task<JsonNode?>> handler)
    {
        _checks.Add(method, json => TakesNone(method, json));
        _methods.Add(method, async (json, ct) =>
        {
            if (TakesNone(method, json) is { } error)
            {
                return AgentResult.Failure(AgentErrors.InvalidParams, error);
            }

            return AgentResult.Success(await handler(ct).ConfigureAwait(false));
        });
    }

    /// <inheritdoc/>
    public string? CheckParams(string method, JsonElement parameters) =>
        _checks.TryGetValue(method, out Func<JsonElement, string?>? check) ? check(parameters) : null;

    /// <summary>Binds and validates <paramref name="json"/>: null when valid, else every problem, each naming its parameter.</summary>
    private string? Bind<TParams>(string method, JsonElement json, out TParams? parameters)
        where TParams : IAgentParams
    {
        parameters = default;
        try
        {
            parameters = json.Deserialize<TParams>(AgentJson.Options);
        }
        catch (JsonException ex)
        {
            return $"{Name}.{method}: {Describe(ex)}";
        }

        if (parameters is null)
        {
            return $"{Name}.{method}: params must be an object";
        }

        string[] problems = [.. parameters.Validate()];
        return problems.Length > 0 ? $"{Name}.{method}: {string.Join("; ", problems)}" : null;
    }

    private string? TakesNone(string method, JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.EnumerateObject().Any() ? $"{Name}.{method}: takes no parameters" : null;

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
        catch (OperationCanceledException) when (CountsAsWork(method) && cancellationToken.IsCancellationRequested)
        {
            // Its caller's deadline passed (or it was canceled) before the work ended: the work gave nothing.
            _work.Failed(method + ": canceled before it finished (timeout)");
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && CountsAsWork(method))
        {
            _work.Failed($"{method}: failed: {ex.Message}");
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

    /// <inheritdoc/>
    public virtual TimeSpan? CallTimeout(string method) => null;

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

    /// <summary>
    /// A binding error in the caller's terms: the parameter's path and what was wrong, without the
    /// serializer's .NET type names (a caller knows JSON, not our records).
    /// </summary>
    private static string Describe(JsonException ex)
    {
        string path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "params" : ex.Path.TrimStart('$', '.');
        string reason = ex.Message;
        int cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        if (s_missing.Match(reason) is { Success: true } missing)
        {
            return "missing required parameter(s): " + missing.Groups[1].Value;
        }

        if (s_unknown.Match(reason) is { Success: true } unknown)
        {
            return "unknown parameter '" + unknown.Groups[1].Value + "'";
        }

        if (s_converted.Match(reason) is { Success: true } converted)
        {
            return path + ": must be " + JsonKindOf(converted.Groups[1].Value);
        }

        return path + ": " + s_typeName.Replace(reason, "a value of another type");
    }

    /// <summary>What JSON a .NET type named in a serializer message takes, in words.</summary>
    private static string JsonKindOf(string typeName) => typeName switch
    {
        _ when typeName.Contains("List", StringComparison.Ordinal) || typeName.EndsWith("[]", StringComparison.Ordinal) => "a list",
        "System.String" => "a string",
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Decimal" or "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        "System.DateOnly" => "a date yyyy-MM-dd",
        _ => "a value of another type",
    };

}
