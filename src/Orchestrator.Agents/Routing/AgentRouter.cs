using System.Collections.Concurrent;
using NLog;
using Orchestrator.Agents.Agents;
using Orchestrator.Agents.Execution;
using Orchestrator.Agents.Scheduling;

namespace Orchestrator.Agents.Routing;

/// <summary>
/// The Agent Router: a message <c>{ target_agent, method, params }</c> reaches the named agent's
/// method on the slow pool, under a timeout; whatever happens, the caller gets an
/// <see cref="AgentResult"/> — unknown agent or method, invalid parameters, a timeout, a crash of
/// the agent — never an exception. Long work is delegated to the <see cref="JobScheduler"/> and
/// answered with a task id.
/// </summary>
public sealed class AgentRouter
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator.Agents");

    private readonly ConcurrentDictionary<string, IAgent> _agents = new(StringComparer.Ordinal);
    private readonly SlowPathScheduler _pool;
    private readonly JobScheduler _jobs;
    private readonly TimeSpan _defaultTimeout;
    private long _messages;
    private long _failures;

    public AgentRouter(SlowPathScheduler pool, JobScheduler jobs, TimeSpan? defaultTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(jobs);
        _pool = pool;
        _jobs = jobs;
        _defaultTimeout = defaultTimeout ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>The agents, by name.</summary>
    public IReadOnlyCollection<IAgent> Agents => [.. _agents.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];

    /// <summary>Messages routed so far, and how many did not succeed.</summary>
    public (long Messages, long Failures) Stats => (Interlocked.Read(ref _messages), Interlocked.Read(ref _failures));

    public JobScheduler Jobs => _jobs;

    /// <summary>Adds an agent; names are unique.</summary>
    public void Register(IAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (!_agents.TryAdd(agent.Name, agent))
        {
            throw new ArgumentException($"an agent named '{agent.Name}' is registered already", nameof(agent));
        }
    }

    public bool TryGetAgent(string name, out IAgent? agent) => _agents.TryGetValue(name, out agent);

    /// <summary>The brief's send_agent_message: runs the method and returns its result.</summary>
    public async Task<AgentResult> SendAgentMessageAsync(AgentMessage message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _messages);
        AgentResult result = await RouteAsync(message, timeout ?? _defaultTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Ok)
        {
            Interlocked.Increment(ref _failures);
            s_logger.Warn("Agent message {0}.{1} not served: {2} ({3})", message.TargetAgent, message.Method, result.ErrorCode, result.Error);
        }

        return result;
    }

    /// <summary>
    /// The brief's delegate_task: checks the target exists, starts the call as a background task
    /// and returns its id — or a failure result (unknown agent or method, too many tasks).
    /// </summary>
    public Task<(string? TaskId, AgentResult? Refusal)> DelegateTaskAsync(AgentMessage message, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Resolve(message, out IAgent? _) is { } refusal)
        {
            return Task.FromResult<(string?, AgentResult?)>((null, refusal));
        }

        string? id = _jobs.Start(message.TargetAgent + "." + message.Method, ct => SendAgentMessageAsync(message, Timeout.InfiniteTimeSpan, ct), timeout);
        return Task.FromResult<(string?, AgentResult?)>(id is null
            ? (null, AgentResult.Failure(AgentErrors.Unavailable, "too many tasks are active; try again later"))
            : (id, null));
    }

    private async Task<AgentResult> RouteAsync(AgentMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Resolve(message, out IAgent? agent) is { } refusal)
        {
            return refusal;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            // WaitAsync: an agent that ignores its token cannot hold the caller past the deadline.
            return await _pool.Run(() => agent!.InvokeAsync(message.Method, message.Params, deadline.Token)).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return cancellationToken.IsCancellationRequested
                ? AgentResult.Failure(AgentErrors.Canceled, $"{message.TargetAgent}.{message.Method}: canceled")
                : AgentResult.Failure(AgentErrors.Timeout, $"{message.TargetAgent}.{message.Method}: no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex)
        {
            s_logger.Error(ex, "Agent {0} failed in {1}", message.TargetAgent, message.Method);
            return AgentResult.Failure(AgentErrors.Failed, $"{message.TargetAgent}.{message.Method} failed: {ex.Message}");
        }
    }

    /// <summary>The target agent, or why the message cannot reach it.</summary>
    private AgentResult? Resolve(AgentMessage message, out IAgent? agent)
    {
        if (!_agents.TryGetValue(message.TargetAgent, out agent))
        {
            return AgentResult.Failure(AgentErrors.UnknownAgent, $"no agent named '{message.TargetAgent}'; known: {string.Join(", ", _agents.Keys.Order(StringComparer.Ordinal))}");
        }

        if (!agent.Methods.Contains(message.Method))
        {
            return AgentResult.Failure(AgentErrors.UnknownMethod, $"{agent.Name} has no method '{message.Method}'; it has: {string.Join(", ", agent.Methods.Order(StringComparer.Ordinal))}");
        }

        return null;
    }
}
