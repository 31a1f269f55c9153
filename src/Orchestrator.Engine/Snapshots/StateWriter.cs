using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Orchestrator.Engine.Snapshots;

/// <summary>
/// Writes engine state little-endian into a span, or only counts the bytes (the layout is
/// measured once at construction by writing the initial state in counting mode, so section sizes
/// can never disagree with what is written). Allocation-free; arrays go as one block copy.
/// </summary>
/// <remarks>Used by each stage on its own thread for its own state, during a checkpoint.</remarks>
public ref struct StateWriter
{
    private readonly Span<byte> _destination;
    private readonly bool _counting;

    /// <summary>Writes into <paramref name="destination"/>.</summary>
    public StateWriter(Span<byte> destination)
    {
        _destination = destination;
        _counting = false;
        Position = 0;
    }

    private StateWriter(bool counting)
    {
        _destination = default;
        _counting = counting;
        Position = 0;
    }

    /// <summary>Bytes written (or counted) so far.</summary>
    public int Position { get; private set; }

    /// <summary>A writer that only counts.</summary>
    public static StateWriter Counting() => new(counting: true);

    public void Byte(byte value)
    {
        if (!_counting)
        {
            _destination[Position] = value;
        }

        Position++;
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void Int32(int value)
    {
        if (!_counting)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_destination[Position..], value);
        }

        Position += 4;
    }

    public void Int64(long value)
    {
        if (!_counting)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_destination[Position..], value);
        }

        Position += 8;
    }

    /// <summary>A double as its exact bits (state, not money: indicators only).</summary>
    public void Double(double value) => Int64(BitConverter.DoubleToInt64Bits(value));

    public void Int128(Int128 value)
    {
        Int64((long)(ulong)value);
        Int64((long)(value >> 64));
    }

    public void Int64s(long[] values) => Block(MemoryMarshal.AsBytes(values.AsSpan()), values.Length * sizeof(long));

    public void Int32s(int[] values) => Block(MemoryMarshal.AsBytes(values.AsSpan()), values.Length * sizeof(int));

    public void Doubles(double[] values) => Block(MemoryMarshal.AsBytes(values.AsSpan()), values.Length * sizeof(double));

    /// <summary>
    /// Unmanaged records as their memory image (padding included: the tables that use it zero a
    /// record before filling it, so padding is always zero and the bytes are deterministic).
    /// </summary>
    public void Records<T>(T[] values)
        where T : unmanaged => Block(MemoryMarshal.AsBytes(values.AsSpan()), values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());

    public void Bools(bool[] values) => Block(MemoryMarshal.AsBytes(values.AsSpan()), values.Length);

    /// <summary>A text in a fixed field: its length (i32), then <paramref name="widthChars"/> UTF-16 units, zero-padded.</summary>
    public void Text(ReadOnlySpan<char> text, int widthChars)
    {
        Int32(text.Length);
        Block(MemoryMarshal.AsBytes(text), text.Length * sizeof(char));
        int padding = (widthChars - text.Length) * sizeof(char);
        if (!_counting)
        {
            _destination.Slice(Position, padding).Clear();
        }

        Position += padding;
    }

    // Native order is little-endian on every platform .NET 10 ships for (x64, Arm64); the static check keeps it honest.
    private void Block(ReadOnlySpan<byte> bytes, int length)
    {
        if (!_counting)
        {
            if (!BitConverter.IsLittleEndian)
            {
                ThrowBigEndian();
            }

            bytes.CopyTo(_destination[Position..]);
        }

        Position += length;
    }

    internal static void ThrowBigEndian() => throw new PlatformNotSupportedException("Snapshots are written little-endian by block copy.");
}
