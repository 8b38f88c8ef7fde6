import type { LocaleCopy } from './types.js';

// Neutral Spanish with "tú". SMS bodies are UCS-2 (ó, í are outside GSM-7), so each stays ≤ 70 characters.
export const es: LocaleCopy = {
  lang: 'es',
  codeNote: 'Este código caduca pronto y solo se puede usar una vez. No lo compartas con nadie: nunca te lo pediremos.',
  linkFallback: 'Si el botón no funciona, copia este enlace y pégalo en tu navegador:',
  footer: 'Este correo se ha enviado automáticamente. Por favor, no respondas a este mensaje.',
  types: {
    SignIn: {
      subject: 'Tu código de inicio de sesión',
      intro: 'Introduce este código de verificación para iniciar sesión:',
      ignore: 'Si no intentaste iniciar sesión, puedes ignorar este correo.',
      sms: 'Tu código de inicio de sesión es {{code}}. No lo compartas.',
    },
    Register: {
      subject: 'Tu código de registro',
      intro: 'Introduce este código de verificación para confirmar tu dirección de correo electrónico y completar el registro:',
      ignore: 'Si no solicitaste crear una cuenta, puedes ignorar este correo.',
      sms: 'Tu código de registro es {{code}}. No lo compartas con nadie.',
    },
    ForgotPassword: {
      subject: 'Tu código para restablecer la contraseña',
      intro: 'Introduce este código de verificación para restablecer tu contraseña:',
      ignore: 'Si no solicitaste restablecer tu contraseña, puedes ignorar este correo. Tu contraseña no cambiará.',
      sms: 'Tu código para restablecer la contraseña es {{code}}. No lo compartas.',
    },
    Generic: {
      subject: 'Tu código de verificación',
      intro: 'Introduce este código de verificación para continuar:',
      ignore: 'Si no solicitaste este código, puedes ignorar este correo.',
      sms: 'Tu código de verificación es {{code}}. No lo compartas con nadie.',
    },
    OrganizationInvitation: {
      subject: 'Te han invitado a unirte a una organización',
      intro: 'Haz clic en el botón de abajo para aceptar la invitación y unirte a la organización.',
      button: 'Aceptar invitación',
      ignore: 'Si no esperabas esta invitación, puedes ignorar este correo.',
      sms: 'Te han invitado a una organización: {{link}}',
    },
    UserPermissionValidation: {
      subject: 'Confirma que eres tú',
      intro: 'Para proteger tu cuenta, necesitamos confirmar que eres tú antes de cambiar su configuración. Introduce este código de verificación:',
      ignore: 'Si no lo solicitaste, puedes ignorar este correo. No se hará ningún cambio en tu cuenta.',
      sms: 'Tu código para confirmar que eres tú es {{code}}. No lo compartas.',
    },
    BindNewIdentifier: {
      subject: 'Confirma tu nueva dirección de correo electrónico',
      intro: 'Introduce este código de verificación para confirmar esta dirección de correo electrónico y vincularla a tu cuenta:',
      ignore: 'Si no lo solicitaste, puedes ignorar este correo. Esta dirección no se vinculará a ninguna cuenta.',
      sms: 'Tu código para confirmar este número es {{code}}. No lo compartas.',
    },
    MfaVerification: {
      subject: 'Tu código de verificación en dos pasos',
      intro: 'Introduce este código para completar el inicio de sesión con verificación en dos pasos:',
      ignore: 'Si no intentaste iniciar sesión, es posible que alguien esté intentando acceder a tu cuenta. Te recomendamos cambiar tu contraseña.',
      sms: 'Tu código de verificación en dos pasos es {{code}}. No lo compartas.',
    },
    BindMfa: {
      subject: 'Configura la verificación en dos pasos',
      intro: 'Introduce este código para usar esta dirección de correo electrónico en la verificación en dos pasos:',
      ignore: 'Si no lo solicitaste, puedes ignorar este correo.',
      sms: 'Tu código para activar la verificación en dos pasos es {{code}}.',
    },
  },
};
