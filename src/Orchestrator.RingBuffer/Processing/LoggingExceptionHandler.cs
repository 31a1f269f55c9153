using NLog;

namespace Orchestrator.RingBuffer;

/// <summary>
/// Logs every handler failure with the processor name and sequence, then applies a fixed
/// <see cref="ExceptionPolicy"/>: an error never disappears silently.
/// </summary>
public sealed class LoggingExceptionHandler<T> : IExceptionHandler<T>
    where T : struct
{
    private static readonly Logger s_defaultLogger = LogManager.GetLogger("Orchestrator.RingBuffer");

    private readonly Logger _logger;

    public LoggingExceptionHandler(ExceptionPolicy policy, Logger? logger = null)
    {
        Policy = policy;
        _logger = logger ?? s_defaultLogger;
    }

    public ExceptionPolicy Policy { get; }

    public ExceptionPolicy OnEventException(Exception exception, long sequence, ref T data, string processorName)
    {
        if (Policy == ExceptionPolicy.Halt)
        {
            _logger.Error(exception, "Processor {Processor} halted: handler failed at sequence {Sequence}", processorName, sequence);
        }
        else
        {
            _logger.Warn(exception, "Processor {Processor} skipped sequence {Sequence} after a handler failure", processorName, sequence);
        }

        return Policy;
    }

    public void OnStartException(Exception exception, string processorName) =>
        _logger.Error(exception, "Processor {Processor}: handler failed on start", processorName);

    public void OnShutdownException(Exception exception, string processorName) =>
        _logger.Error(exception, "Processor {Processor}: handler failed on shutdown", processorName);
}
