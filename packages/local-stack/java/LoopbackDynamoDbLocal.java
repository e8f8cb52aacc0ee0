import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local bound to 127.0.0.1 only: DynamoDB Local has no bind-address option and
 * listens on all interfaces, so the Jetty connectors are re-hosted before the server starts.
 *
 * The JVM also exits when its standard input reaches end-of-file. The Node parent keeps that pipe
 * open, so if the parent dies without stopping us (SIGKILL, crash) the JVM does not outlive it.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector connector : jetty.getConnectors()) ((ServerConnector) connector).setHost("127.0.0.1");
    Thread parentWatch = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Drain: the parent never writes, it only holds the pipe open.
        }
      } catch (java.io.IOException ignored) {
        // A broken pipe means the parent is gone, which is handled below like end-of-file.
      }
      System.exit(0);
    }, "parent-watch");
    parentWatch.setDaemon(true);
    parentWatch.start();
    proxy.start();
    proxy.join();
  }
}
