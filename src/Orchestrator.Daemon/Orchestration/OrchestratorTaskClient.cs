using System.Globalization;
using Microsoft.Extensions.AI;

namespace Orchestrator.Daemon.Orchestration;

/// <summary>
/// The model as one task of the orchestrator agent sees it, under the function invoker: each call is
/// counted and bounded by the model's timeout, its tokens added to the task's, and when the model
/// still asks for tools after the last allowed step or past the token budget those calls are taken
/// out of the answer (not run, audited as refused) so the invoker ends the task. A timeout or a
/// failed call ends the task too, with an empty answer the task explains. The caller's cancellation
/// still throws.
/// </summary>
internal sealed class OrchestratorTaskClient(IChatClient inner, OrchestratorTaskRun run) : DelegatingChatClient(inner)
{
    /// <summary>Without a configured max_tokens the answer's length is cut to what the budget has left only below this (every model allows that much).</summary>
    private const int UncappedOutputTokens = 4_096;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        OrchestratorAgentOptions limits = run.Options;
        if (run.Stopped is not null || run.Steps >= limits.MaxSteps || run.TokensLeft == 0)
        {
            return Empty(); // a backstop: the calls that would lead here were taken out below
        }

        int left = (int)Math.Min(int.MaxValue, run.TokensLeft);
        ChatOptions bounded = options?.Clone() ?? new ChatOptions();
        bounded.MaxOutputTokens = bounded.MaxOutputTokens is { } configured ? Math.Min(configured, left) : left < UncappedOutputTokens ? left : null;

        run.BeginStep();
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(limits.CallTimeout);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, bounded, call.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Stop(OrchestratorStops.Timeout, string.Create(CultureInfo.InvariantCulture, $"model call {run.Steps} did not answer within the model's timeout ({OrchestratorTaskRun.Describe(limits.CallTimeout)})"));
            return Empty();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Stop(OrchestratorStops.ModelError, string.Create(CultureInfo.InvariantCulture, $"model call {run.Steps} failed: {run.Describe(ex)}"));
            return Empty();
        }

        run.AddUsage(response.Usage);
        List<FunctionCallContent> calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        if (calls.Count == 0)
        {
            return response;
        }

        string? limit = run.Steps >= limits.MaxSteps
            ? string.Create(CultureInfo.InvariantCulture, $"the step limit (max_steps {limits.MaxSteps} model calls) was reached")
            : run.TokensLeft == 0
                ? string.Create(CultureInfo.InvariantCulture, $"the token budget (max_task_tokens {limits.MaxTaskTokens}) is spent: {run.InputTokens + run.OutputTokens} tokens used")
                : null;
        if (limit is not null)
        {
            run.Stop(run.Steps >= limits.MaxSteps ? OrchestratorStops.MaxSteps : OrchestratorStops.MaxTaskTokens,
                limit + " while the model still asked for " + string.Join(", ", calls.Select(c => c.Name)) + "; those calls were not run");
            foreach (FunctionCallContent c in calls)
            {
                run.Refuse(c.Name, c.Arguments, "not run: " + limit);
            }

            foreach (ChatMessage message in response.Messages)
            {
                message.Contents = [.. message.Contents.Where(c => c is not FunctionCallContent)];
            }

            return response;
        }

        foreach (FunctionCallContent c in calls.Where(c => !run.Offers(c.Name)))
        {
            // The invoker answers the model "not found"; the audit still has the attempt.
            run.Refuse(c.Name, c.Arguments, "not a tool of this task (" + (OrchestratorTaskRun.IsTradingTool(c.Name) ? "trading tools are off for this caller" : "unknown tool") + ")");
        }

        return response;
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the orchestrator agent does not stream");

    private static ChatResponse Empty() => new(new ChatMessage(ChatRole.Assistant, string.Empty));
}
