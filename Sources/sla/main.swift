import SLAKit
import Foundation

exit(Driver.main(arguments: Array(CommandLine.arguments.dropFirst())))
