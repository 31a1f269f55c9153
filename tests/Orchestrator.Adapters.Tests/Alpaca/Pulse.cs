namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>
/// A condition wait without sleeping: whoever changes something calls <see cref="Set"/>, and a
/// waiter re-checks its condition on every pulse until it holds or the hang guard fires.
/// </summary>
internal sealed class Pulse
{
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every waiter (any thread).</summary>
    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Returns once <paramref name="condition"/> holds; fails the test if it still does not after <see cref="Hang"/>.</summary>
    public async Task UntilAsync(Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(Hang);
        while (true)
        {
            // Read the pulse before the condition: a Set between the two still wakes us.
            Task next = Volatile.Read(ref _next).Task;
            if (condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("timed out waiting for " + what);
            }
        }
    }
}
