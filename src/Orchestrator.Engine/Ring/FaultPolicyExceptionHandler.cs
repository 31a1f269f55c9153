using Disruptor;
using NLog;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// The halt/continue fault policy as Disruptor-net's exception handler, one per stage. Disruptor-net's
/// <c>ValueEventProcessor</c> marks the failed event done (<c>_sequence.SetValue(nextSequence)</c>)
/// as soon as <see cref="HandleEventException"/> returns, so:
/// <list type="bullet">
/// <item><see cref="ExceptionPolicy.Continue"/> logs a warning and returns: the event counts as
/// done and the stage goes on.</item>
/// <item><see cref="ExceptionPolicy.Halt"/> logs an error, sets the stage's sequence to the event
/// before the failed one (events of the same batch before it were handled and are released to later
/// stages; the failed one is not), then throws <see cref="ProcessorHaltedException"/>: it leaves the
/// processor's loop before the sequence is advanced, so later stages never see a half-processed
/// event. <see cref="RingProcessor{T}"/> catches it on the same thread and reports the fault.</item>
/// </list>
/// A failure of the logging itself halts the stage, with both exceptions.
/// </summary>
/// <remarks>Called on the stage's own thread only.</remarks>
public sealed class FaultPolicyExceptionHandler<T> : IValueExceptionHandler<T>
    where T : struct
{
    private readonly ExceptionPolicy _policy;
    private readonly string _stageName;
    private readonly Sequence _stageSequence;
    private readonly Logger _logger;

    public FaultPolicyExceptionHandler(ExceptionPolicy policy, string stageName, Sequence stageSequence, Logger logger)
    {
        ArgumentNullException.ThrowIfNull(stageName);
        ArgumentNullException.ThrowIfNull(stageSequence);
        ArgumentNullException.ThrowIfNull(logger);
        _policy = policy;
        _stageName = stageName;
        _stageSequence = stageSequence;
        _logger = logger;
    }

    public void HandleEventException(Exception ex, long sequence, ref T evt)
    {
        if (_policy == ExceptionPolicy.Continue)
        {
            try
            {
                _logger.Warn(ex, "Processor {Processor} skipped sequence {Sequence} after a handler failure", _stageName, sequence);
                return;
            }
            catch (Exception logFailure)
            {
                Halt(new AggregateException(ex, logFailure), sequence);
            }
        }

        try
        {
            _logger.Error(ex, "Processor {Processor} halted: handler failed at sequence {Sequence}", _stageName, sequence);
        }
        catch (Exception logFailure)
        {
            ex = new AggregateException(ex, logFailure);
        }

        Halt(ex, sequence);
    }

    public void HandleOnTimeoutException(Exception ex, long sequence) =>
        _logger.Error(ex, "Processor {Processor}: handler failed on timeout at sequence {Sequence}", _stageName, sequence);

    public void HandleOnStartException(Exception ex) =>
        _logger.Error(ex, "Processor {Processor}: handler failed on start", _stageName);

    public void HandleOnShutdownException(Exception ex) =>
        _logger.Error(ex, "Processor {Processor}: handler failed on shutdown", _stageName);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Halt(Exception exception, long failedSequence)
    {
        // Release write: everything before the failed event is done and visible to later stages;
        // the failed event is not. The processor never advances past it: we leave its loop by throwing.
        _stageSequence.SetValue(failedSequence - 1);
        throw new ProcessorHaltedException(new ProcessorFault(_stageName, failedSequence, exception));
    }
}
