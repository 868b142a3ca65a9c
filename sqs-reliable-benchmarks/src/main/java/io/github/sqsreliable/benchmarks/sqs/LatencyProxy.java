package io.github.sqsreliable.benchmarks.sqs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy that delays every byte by a fixed time in each direction, so that a request through it takes about
 * twice that longer, as SQS does over a network (about 20 ms per request within a region), without limiting
 * throughput or reordering bytes. One selector thread reads every connection and stamps each chunk with the time
 * it is due; writer threads (each owning a share of the connections) send chunks when they are due. The delay is
 * the same for every chunk, so each writer's queue is already in due order: no chunk waits behind a later one,
 * and nothing sleeps per chunk on the reading side.
 *
 * <p>Run by {@link LatencyProxyProcess} in a JVM of its own, so that its CPU counts as a server's, not the
 * consumer's. Connection set-up is not delayed (the clients pool their connections).
 */
public final class LatencyProxy implements AutoCloseable {

    private static final int WRITERS = 2;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** How long a writer waits before trying again when a socket's send buffer is full. */
    private static final long FULL_SOCKET_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final ServerSocketChannel server;
    private final InetSocketAddress upstream;
    private final long delayNanos;
    private final Selector selector;
    private final Queue<Link> toRegister = new ConcurrentLinkedQueue<>();
    // Unbounded, but they hold only the delay's worth of traffic: what was read in the last 10 ms.
    private final List<BlockingQueue<Chunk>> writerQueues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong links = new AtomicLong();
    private volatile boolean running = true;

    /** Both ends of one proxied connection. */
    private static final class Link {
        final SocketChannel client;
        final SocketChannel upstream;
        final BlockingQueue<Chunk> writer;
        volatile boolean closed;

        Link(SocketChannel client, SocketChannel upstream, BlockingQueue<Chunk> writer) {
            this.client = client;
            this.upstream = upstream;
            this.writer = writer;
        }

        void close() {
            closed = true;
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Bytes read from one end, due at the other end at {@code dueNanos}; {@code bytes == null} closes the link. */
    private record Chunk(long dueNanos, Link link, SocketChannel to, byte[] bytes) {
    }

    /** One direction of a link, the selector key's attachment. */
    private record Direction(Link link, SocketChannel from, SocketChannel to) {
    }

    private LatencyProxy(ServerSocketChannel server, InetSocketAddress upstream, long delayNanos) throws IOException {
        this.server = server;
        this.upstream = upstream;
        this.delayNanos = delayNanos;
        this.selector = Selector.open();
        for (int i = 0; i < WRITERS; i++) {
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            writerQueues.add(queue);
            threads.add(new Thread(() -> write(queue), "latency-proxy-writer-" + i));
        }
        threads.add(new Thread(this::read, "latency-proxy-reader"));
        threads.add(new Thread(this::accept, "latency-proxy-acceptor"));
        threads.forEach(Thread::start);
    }

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param upstream where connections go
     * @param delayEachWayNanos how long every byte is held in each direction
     */
    public static LatencyProxy start(InetSocketAddress upstream, long delayEachWayNanos) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
            return new LatencyProxy(server, upstream, delayEachWayNanos);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the latency proxy", e);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.socket().getLocalPort();
    }

    private void accept() {
        while (running) {
            try {
                SocketChannel client = server.accept();
                SocketChannel toServer;
                try {
                    toServer = SocketChannel.open(upstream);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                for (SocketChannel channel : List.of(client, toServer)) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.configureBlocking(false);
                }
                int writer = (int) (links.getAndIncrement() % WRITERS);
                toRegister.add(new Link(client, toServer, writerQueues.get(writer)));
                selector.wakeup();
            } catch (IOException e) {
                if (running) {
                    System.err.println("latency proxy: accept failed: " + e);
                }
                return;
            }
        }
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        try {
            while (running) {
                selector.select();
                for (Link link; (link = toRegister.poll()) != null; ) {
                    try {
                        link.client.register(selector, SelectionKey.OP_READ,
                                new Direction(link, link.client, link.upstream));
                        link.upstream.register(selector, SelectionKey.OP_READ,
                                new Direction(link, link.upstream, link.client));
                    } catch (ClosedChannelException e) {
                        link.close();
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Direction direction = (Direction) key.attachment();
                    readAvailable(key, direction, buffer);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("latency proxy: the reader failed: " + e);
            }
        }
    }

    /** Reads what one end has sent and queues it for the other end, due after the delay. */
    private void readAvailable(SelectionKey key, Direction direction, ByteBuffer buffer) {
        Link link = direction.link();
        int read;
        try {
            buffer.clear();
            read = direction.from().read(buffer);
        } catch (IOException e) {
            read = -1;
        }
        if (read > 0) {
            buffer.flip();
            byte[] bytes = new byte[read];
            buffer.get(bytes);
            link.writer.add(new Chunk(System.nanoTime() + delayNanos, link, direction.to(), bytes));
        } else if (read < 0) {
            // The close travels behind the bytes sent before it, so that the other end receives them all.
            key.cancel();
            link.writer.add(new Chunk(System.nanoTime() + delayNanos, link, direction.to(), null));
        }
    }

    private void write(BlockingQueue<Chunk> queue) {
        try {
            while (running) {
                Chunk chunk = queue.take();
                for (long wait = chunk.dueNanos() - System.nanoTime(); wait > 0;
                        wait = chunk.dueNanos() - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                Link link = chunk.link();
                if (link.closed) {
                    continue;
                }
                if (chunk.bytes() == null) {
                    link.close();
                } else {
                    writeFully(chunk);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writeFully(Chunk chunk) {
        ByteBuffer bytes = ByteBuffer.wrap(chunk.bytes());
        try {
            while (bytes.hasRemaining()) {
                if (chunk.to().write(bytes) == 0) {
                    // The receiver reads slower than this sends: wait for room rather than buffer without bound.
                    LockSupport.parkNanos(FULL_SOCKET_PAUSE_NANOS);
                }
            }
        } catch (IOException e) {
            chunk.link().close();
        }
    }

    /** Stops accepting, closes every connection and ends its threads. */
    @Override
    public void close() {
        running = false;
        closeQuietly(server);
        selector.wakeup();
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // The reader has ended: its keys can be read from this thread now.
        for (SelectionKey key : selector.keys()) {
            ((Direction) key.attachment()).link().close();
        }
        for (Link link; (link = toRegister.poll()) != null; ) {
            link.close();
        }
        closeQuietly(selector);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /**
     * Runs a proxy alone in its JVM, for {@link LatencyProxyProcess}: prints {@code READY <port>} once listening,
     * and stops when its standard input closes.
     *
     * @param args the upstream host, its port, and the delay each way in milliseconds
     */
    public static void main(String[] args) throws IOException {
        InetSocketAddress upstream = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long delayNanos = TimeUnit.MICROSECONDS.toNanos(Math.round(Double.parseDouble(args[2]) * 1000));
        try (LatencyProxy proxy = start(upstream, delayNanos)) {
            System.out.println("READY " + proxy.port());
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the parent to close our input
            }
        }
        System.exit(0);
    }

    @Override
    public String toString() {
        return "latency proxy on port " + port() + " to " + upstream + ", " + delayNanos / 1e6 + " ms each way";
    }
}
