using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.RingBuffer.Util;

/// <summary>Keeps throw sites (and their string formatting) out of hot methods.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBufferSizeNotPowerOfTwo(int bufferSize) =>
        throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize, "Ring buffer size must be a power of two and at least 1.");

    [DoesNotReturn]
    public static void ThrowClaimSizeOutOfRange(int n, int bufferSize) =>
        throw new ArgumentOutOfRangeException(nameof(n), n, $"Claim size must be between 1 and the buffer size ({bufferSize}).");

    [DoesNotReturn]
    public static void ThrowAlreadyStarted() =>
        throw new InvalidOperationException("The pipeline has already been started; wire every handler before Start().");

    [DoesNotReturn]
    public static void ThrowProcessorAlreadyRunning(string name) =>
        throw new InvalidOperationException($"Event processor '{name}' is already running.");

    [DoesNotReturn]
    public static void ThrowHandlerNotWired() =>
        throw new ArgumentException("The handler is not wired into this pipeline.", "handler");

    [DoesNotReturn]
    public static void ThrowNoHandlers() =>
        throw new ArgumentException("At least one handler is required.", "handlers");
}
